/**
 * One problem found in a pipeline file: where it is and what to do about it.
 * Line and column are 1-based; both are 0 when the problem has no position
 * (for example a cycle spanning several tasks is reported at the first one).
 */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path of the offending key, such as `tasks.build.steps[0].run`. Empty for the document. */
  readonly key: string;
  readonly message: string;
}

/** `file:line:column: key: message`, the form editors and terminals link. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  return d.key ? `${where}: ${d.key}: ${d.message}` : `${where}: ${d.message}`;
}
