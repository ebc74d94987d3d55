import { isApiError } from '@slipway/api';

/** What went wrong, as the server said it. */
export function errorText(error: unknown): string {
  if (isApiError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** An error shown to the reader with the fields or pipeline lines it is about. */
export function ErrorNote({ error }: { readonly error: unknown }) {
  if (error === undefined || error === null) return null;
  const details = isApiError(error)
    ? [
        ...error.fields.map((f) => `${f.path}: ${f.message}`),
        ...error.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`),
      ]
    : [];
  return (
    <div className="error" role="alert">
      <p>{errorText(error)}</p>
      {details.length > 0 && (
        <ul>
          {details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
