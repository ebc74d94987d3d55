import type { Duration } from '../spec/pipeline-schema.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds in a validated duration: `1h30m`, `90s`, `500ms`, or a number of seconds. */
export function durationToMs(duration: Duration): number {
  if (typeof duration === 'number') return Math.round(duration * 1000);
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return total;
}
