import { describe, expect, it } from 'vitest';
import { elapsed, formatBytes, formatDuration, formatWhen } from './format.js';

describe('formatting', () => {
  it('writes durations as people read them', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_380_000)).toBe('2 h 03 min');
    expect(elapsed(null, null)).toBe('');
    expect(elapsed(1000, null, 3000)).toBe('2.0 s');
  });

  it('writes sizes with binary units, and the date only for other days', () => {
    expect(formatBytes(6)).toBe('6 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    const noon = new Date(2026, 0, 2, 12, 0, 0).getTime();
    expect(formatWhen(noon, noon + 1000)).toBe(new Date(noon).toLocaleTimeString());
    expect(formatWhen(noon, noon + 86_400_000)).toBe(new Date(noon).toLocaleString());
  });
});
