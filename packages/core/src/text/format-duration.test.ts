import { describe, expect, it } from 'vitest';
import { formatDuration } from './format-duration.js';

describe('formatDuration', () => {
  it('writes durations the way pipelines write them', () => {
    expect([500, 1500, 45_000, 90_000, 600_000, 7_200_000, 3_605_000].map(formatDuration)).toEqual([
      '500ms',
      '1.5s',
      '45s',
      '1m30s',
      '10m',
      '2h',
      '1h0m5s',
    ]);
  });
});
