import { Cron } from 'croner';
import type { OnSpec } from '../spec/pipeline-schema.js';
import type { Problems } from './problems.js';

/** Checks what the schema cannot: cron expressions and time zones. */
export function checkTriggers(on: OnSpec | undefined, problems: Problems): void {
  (on?.cron ?? []).forEach((entry, index) => {
    const schedule = typeof entry === 'string' ? entry : entry.schedule;
    const timezone = typeof entry === 'string' ? undefined : entry.timezone;
    const path = ['on', 'cron', index];
    if (timezone !== undefined && !isTimeZone(timezone)) {
      problems.add(
        [...path, 'timezone'],
        `unknown time zone "${timezone}": use an IANA name such as Europe/Berlin or UTC`,
      );
      return;
    }
    try {
      new Cron(schedule, { paused: true, ...(timezone ? { timezone } : {}) }).stop();
    } catch (error) {
      problems.add(
        typeof entry === 'string' ? path : [...path, 'schedule'],
        `invalid cron expression "${schedule}": ${(error as Error).message}`,
      );
    }
  });
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
