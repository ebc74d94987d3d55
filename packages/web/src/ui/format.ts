/** A duration in milliseconds as people read it: `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const total = Math.floor(s);
  if (total < 3600) return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`;
  const minutes = Math.floor(total / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** How long something that started at `start` took, or has taken so far. */
export function elapsed(start: number | null, end: number | null, now = Date.now()): string {
  if (start === null) return '';
  return formatDuration((end ?? now) - start);
}

/** A timestamp in the reader's locale. */
export function formatTime(at: number | null): string {
  return at === null ? '' : new Date(at).toLocaleString();
}

/** A timestamp in few words: the time for today's, else the date and time. */
export function formatWhen(at: number, now = Date.now()): string {
  const date = new Date(at);
  return date.toDateString() === new Date(now).toDateString()
    ? date.toLocaleTimeString()
    : date.toLocaleString();
}

/** A commit id shortened as Git shows it. */
export function shortCommit(commit: string | undefined): string {
  return commit === undefined ? '' : commit.slice(0, 10);
}

/** A byte count with a binary unit. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit] ?? 'B'}`;
}
