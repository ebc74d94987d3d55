import type { Colors } from './colors.js';
import { formatDuration } from '@slipway/core';

export interface SummaryRow {
  readonly id: string;
  readonly status: string;
  readonly attempts: number;
  readonly durationMs: number;
  readonly details: string;
}

/** The end-of-run table: one row per task, status coloured, details last. */
export function summaryTable(rows: readonly SummaryRow[], colors: Colors): string {
  const header = ['TASK', 'STATUS', 'ATTEMPTS', 'DURATION', 'DETAILS'];
  const cells = rows.map((r) => [
    r.id,
    r.status,
    String(r.attempts),
    r.attempts ? formatDuration(r.durationMs) : '-',
    r.details,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: readonly string[], paint: (column: number, text: string) => string) =>
    values
      .map((v, i) => paint(i, i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    line(header, (_, text) => colors.bold(text)),
    ...cells.map((c) =>
      line(c, (column, text) => (column === 1 ? paintStatus(text, colors) : text)),
    ),
  ].join('\n');
}

export function paintStatus(text: string, colors: Colors): string {
  const status = text.trim();
  if (status === 'succeeded') return colors.green(text);
  if (status === 'failed' || status === 'timed_out' || status === 'lost') return colors.red(text);
  if (status === 'cancelled' || status === 'skipped') return colors.yellow(text);
  return text;
}
