import { formatDiagnostic, type Diagnostic } from './diagnostic.js';
import { UserError, UserErrorKind } from './user-error.js';

/** A pipeline could not be loaded or compiled; `diagnostics` lists every problem found. */
export class ConfigError extends UserError {
  override readonly name = 'ConfigError';
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(UserErrorKind.Config, diagnostics.map(formatDiagnostic).join('\n'));
  }
}
