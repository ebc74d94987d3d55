import type { PipelineCatalog } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { dueTicks, tickDeliveryId } from './due-ticks.js';

const at = (iso: string): number => Date.parse(iso);
const DAILY = { schedule: '0 3 * * *', timezone: 'UTC' };
const HOURLY = { schedule: '0 * * * *', timezone: 'Europe/Berlin' };

const catalog: PipelineCatalog = {
  projectId: 'p1',
  commit: 'a'.repeat(40),
  readAt: 0,
  pipelines: [
    { name: 'nightly', cron: [DAILY, DAILY], completions: [] },
    { name: 'hourly', cron: [HOURLY], completions: [] },
  ],
};

describe('dueTicks', () => {
  it('starts schedules seen for the first time at now, firing nothing', () => {
    const now = at('2026-06-01T12:00:00Z');
    expect(dueTicks([catalog], [], now)).toEqual({
      fire: [],
      start: [
        { projectId: 'p1', pipeline: 'nightly', schedule: 'UTC 0 3 * * *', lastTickAt: now },
        {
          projectId: 'p1',
          pipeline: 'hourly',
          schedule: 'Europe/Berlin 0 * * * *',
          lastTickAt: now,
        },
      ],
    });
  });

  it('fires only the latest due tick of each known schedule, once for a schedule listed twice', () => {
    const marks = [
      {
        projectId: 'p1',
        pipeline: 'nightly',
        schedule: 'UTC 0 3 * * *',
        lastTickAt: at('2026-05-20T03:00:00Z'),
      },
      {
        projectId: 'p1',
        pipeline: 'hourly',
        schedule: 'Europe/Berlin 0 * * * *',
        lastTickAt: at('2026-06-01T11:00:00Z'),
      },
    ];
    const plan = dueTicks([catalog], marks, at('2026-06-01T11:59:59Z'));
    expect(plan.start).toEqual([]);
    expect(plan.fire).toEqual([
      { projectId: 'p1', pipeline: 'nightly', schedule: DAILY, at: at('2026-06-01T03:00:00Z') },
    ]);
    expect(plan.fire.map(tickDeliveryId)).toEqual([
      'cron:nightly:2026-06-01T03:00:00.000Z:UTC 0 3 * * *',
    ]);
  });
});
