/** `500ms`, `1.5s`, `45s`, `1m30s`, `2h`, `1h0m5s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000 && ms % 1000 !== 0) return `${Math.round(ms / 100) / 10}s`;
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  let out = hours > 0 ? `${hours}h` : '';
  if (minutes > 0 || (hours > 0 && seconds > 0)) out += `${minutes}m`;
  if (seconds > 0) out += `${seconds}s`;
  return out;
}
