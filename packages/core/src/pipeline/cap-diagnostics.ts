import type { Diagnostic } from '../errors/diagnostic.js';
import { MAX_DIAGNOSTICS } from './limits.js';

/** The first {@link MAX_DIAGNOSTICS} diagnostics, plus one line counting the rest. */
export function capDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS) return diagnostics;
  const shown = diagnostics.slice(0, MAX_DIAGNOSTICS);
  const first = diagnostics[0];
  const rest = diagnostics.length - MAX_DIAGNOSTICS;
  shown.push({
    file: first?.file ?? '',
    line: 0,
    column: 0,
    key: '',
    message: `${String(rest)} more problems not shown; fix the ones above first`,
  });
  return shown;
}
