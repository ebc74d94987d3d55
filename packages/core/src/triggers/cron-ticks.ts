import { Cron } from 'croner';
import type { OnSpec } from '../spec/pipeline-schema.js';

/** One `on.cron` schedule with its time zone filled in (UTC when the file names none). */
export interface CronSchedule {
  /** The cron expression, five or six fields, as written. */
  readonly schedule: string;
  /** An IANA time zone name. */
  readonly timezone: string;
}

/** The schedules of a pipeline's `on.cron`, each with its time zone; none without `on.cron`. */
export function cronSchedules(on: OnSpec | undefined): CronSchedule[] {
  return (on?.cron ?? []).map((entry) =>
    typeof entry === 'string'
      ? { schedule: entry, timezone: 'UTC' }
      : { schedule: entry.schedule, timezone: entry.timezone ?? 'UTC' },
  );
}

/** Names a schedule in records and delivery ids: `TIMEZONE CRON`. */
export function scheduleKey(schedule: CronSchedule): string {
  return `${schedule.timezone} ${schedule.schedule}`;
}

function cronOf(schedule: CronSchedule): Cron {
  return new Cron(schedule.schedule, { timezone: schedule.timezone, paused: true });
}

/**
 * The latest time the schedule names that is after `after` and at or before `upTo`
 * (milliseconds), or null when there is none. This is the one tick to fire when a
 * scheduler looks at `upTo` and last handled `after`: however many ticks lie between,
 * only the latest fires (missed ticks catch up once, never as a flood). Wall-clock times
 * a daylight-saving change skips fire at the first instant after the gap; times it
 * repeats fire once.
 */
export function latestTick(schedule: CronSchedule, after: number, upTo: number): number | null {
  if (upTo <= after) return null;
  // previousRuns includes a run earlier in the same second as the reference, so +1 ms
  // makes `upTo` itself count.
  const [latest] = cronOf(schedule).previousRuns(1, new Date(upTo + 1));
  if (latest === undefined) return null;
  const at = latest.getTime();
  return at > after && at <= upTo ? at : null;
}

/** The first time the schedule names strictly after `after`, or null when there is none. */
export function nextTick(schedule: CronSchedule, after: number): number | null {
  const next = cronOf(schedule).nextRun(new Date(after));
  return next === null ? null : next.getTime();
}
