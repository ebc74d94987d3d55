/**
 * A `Content-Disposition` value that saves the file under the last segment of `path`:
 * an ASCII `filename` with anything risky replaced by `_` (quotes, backslashes, control
 * and non-ASCII characters), and the exact name as UTF-8 in `filename*`.
 */
export function contentDisposition(path: string): string {
  const name = path.split('/').at(-1) ?? 'artifact';
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
