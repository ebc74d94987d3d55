import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cronSchedules,
  latestTick,
  nextTick,
  scheduleKey,
  type CronSchedule,
} from './cron-ticks.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (iso: string): number => Date.parse(iso);

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'America/Sao_Paulo',
];
const EXPRESSIONS = [
  '* * * * *',
  '*/15 * * * *',
  '30 2 * * *',
  '0 3 * * *',
  '0 9 * * 1-5',
  '45 1,2,3 * * *',
  '0 0 1 * *',
  '0 12 29 2 *',
  '*/20 * * * * *',
];
const schedules: fc.Arbitrary<CronSchedule> = fc.record({
  schedule: fc.constantFrom(...EXPRESSIONS),
  timezone: fc.constantFrom(...ZONES),
});
// 2024-01-01 to 2028-01-01: several DST changes in every zone above that has them.
const instants = fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2028-01-01T00:00:00Z') });

describe('cronSchedules', () => {
  it('fills in UTC for schedules without a time zone', () => {
    expect(
      cronSchedules({
        cron: [
          '0 3 * * *',
          { schedule: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
          { schedule: '5 * * * *' },
        ],
      }),
    ).toEqual([
      { schedule: '0 3 * * *', timezone: 'UTC' },
      { schedule: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
      { schedule: '5 * * * *', timezone: 'UTC' },
    ]);
    expect(cronSchedules(undefined)).toEqual([]);
    expect(cronSchedules({ push: true })).toEqual([]);
    expect(scheduleKey({ schedule: '0 3 * * *', timezone: 'UTC' })).toBe('UTC 0 3 * * *');
  });
});

describe('latestTick and nextTick', () => {
  it('finds the latest tick in a window, counting its end and not its start', () => {
    const daily = { schedule: '0 3 * * *', timezone: 'UTC' };
    const three = at('2026-05-10T03:00:00Z');
    expect(latestTick(daily, three - DAY, three)).toBe(three);
    expect(latestTick(daily, three, three + DAY - 1)).toBeNull();
    expect(latestTick(daily, three - 10 * DAY, three + HOUR)).toBe(three);
    expect(nextTick(daily, three)).toBe(three + DAY);
    expect(nextTick(daily, three - 1)).toBe(three);
  });

  it('reads the schedule in its time zone', () => {
    const berlin = { schedule: '0 9 * * *', timezone: 'Europe/Berlin' };
    // 09:00 in Berlin is 07:00 UTC in summer and 08:00 UTC in winter.
    expect(nextTick(berlin, at('2026-07-01T00:00:00Z'))).toBe(at('2026-07-01T07:00:00Z'));
    expect(nextTick(berlin, at('2026-01-15T00:00:00Z'))).toBe(at('2026-01-15T08:00:00Z'));
  });

  it('fires a wall-clock time skipped by the spring change once, right after the gap', () => {
    const schedule = { schedule: '30 2 * * *', timezone: 'Europe/Berlin' };
    // 2026-03-29: clocks go from 02:00 to 03:00; 02:30 does not exist.
    const dayStart = at('2026-03-28T23:00:00Z');
    const ticks = ticksBetween(schedule, dayStart, dayStart + 23 * HOUR);
    expect(ticks).toEqual([at('2026-03-29T01:00:00Z')]);
  });

  it('fires a wall-clock time repeated by the autumn change once', () => {
    const schedule = { schedule: '30 2 * * *', timezone: 'Europe/Berlin' };
    // 2026-10-25: clocks go from 03:00 back to 02:00; 02:30 happens twice.
    const dayStart = at('2026-10-24T22:00:00Z');
    const ticks = ticksBetween(schedule, dayStart, dayStart + 25 * HOUR);
    expect(ticks).toEqual([at('2026-10-25T00:30:00Z')]);
    expect(latestTick(schedule, dayStart, dayStart + 25 * HOUR)).toBe(at('2026-10-25T00:30:00Z'));
  });

  it('answers a tick inside the window, with no later tick before its end (property)', () => {
    fc.assert(
      fc.property(
        schedules,
        instants,
        fc.integer({ min: 0, max: 40 * DAY }),
        (schedule, after, span) => {
          const upTo = after + span;
          const latest = latestTick(schedule, after, upTo);
          const first = nextTick(schedule, after);
          if (latest === null) {
            expect(first === null || first > upTo).toBe(true);
            return;
          }
          expect(latest).toBeGreaterThan(after);
          expect(latest).toBeLessThanOrEqual(upTo);
          expect(nextTick(schedule, latest - 1)).toBe(latest);
          const later = nextTick(schedule, latest);
          expect(later === null || later > upTo).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fires each tick at most once and catches up missed ticks once, whatever the pass times (property)', () => {
    fc.assert(
      fc.property(
        schedules,
        instants,
        fc.array(fc.integer({ min: 1, max: 3 * DAY }), { minLength: 1, maxLength: 30 }),
        (schedule, start, gaps) => {
          let mark = start;
          let now = start;
          const fired: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const tick = latestTick(schedule, mark, now);
            if (tick !== null) {
              fired.push(tick);
              mark = tick;
            }
          }
          // Strictly increasing: no tick fires twice, none goes back in time.
          for (let i = 1; i < fired.length; i++)
            expect(fired[i]).toBeGreaterThan(fired[i - 1] ?? 0);
          // At most one tick per pass, and the last pass fired the latest tick due, if any.
          expect(fired.length).toBeLessThanOrEqual(gaps.length);
          const due = latestTick(schedule, start, now);
          if (due !== null) expect(fired[fired.length - 1]).toBe(due);
          else expect(fired).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});

function ticksBetween(schedule: CronSchedule, after: number, upTo: number): number[] {
  const ticks: number[] = [];
  for (let t = nextTick(schedule, after); t !== null && t <= upTo; t = nextTick(schedule, t)) {
    ticks.push(t);
  }
  return ticks;
}
