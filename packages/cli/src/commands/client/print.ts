import { formatDuration } from '@slipway/core';

/** Prints `value` as JSON, or the lines `human` makes of it. */
export function print<T>(value: T, json: boolean, human: (value: T) => string[]): void {
  const text = json ? JSON.stringify(value, null, 2) : human(value).join('\n');
  if (text) process.stdout.write(`${text}\n`);
}

/** Columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** How long ago or how long something took, for tables. */
export function elapsed(from: number | null, to: number | null): string {
  if (from === null) return '-';
  return formatDuration((to ?? Date.now()) - from);
}
