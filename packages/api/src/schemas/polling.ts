import type { PollBreaker as CorePollBreaker } from '@slipway/core';
import { z } from 'zod';
import { Timestamp } from './common.js';
import { covering } from './covering.js';

/** Shortest and longest poll interval, in seconds. */
export const POLL_INTERVAL_MIN_SECONDS = 10;
export const POLL_INTERVAL_MAX_SECONDS = 7 * 24 * 3600;

export const PollBreakerState = covering<CorePollBreaker>()(z.enum(['closed', 'open']));
export type PollBreakerState = z.infer<typeof PollBreakerState>;

export const PutPollRequest = z.strictObject({
  intervalSeconds: z
    .number()
    .int()
    .min(POLL_INTERVAL_MIN_SECONDS, `poll at most every ${POLL_INTERVAL_MIN_SECONDS} seconds`)
    .max(POLL_INTERVAL_MAX_SECONDS, 'poll at least once a week')
    .describe('Seconds between polls; each poll comes up to a tenth later at random.'),
});
export type PutPollRequest = z.infer<typeof PutPollRequest>;

/** A project's SCM polling: settings, breaker and what the last polls found. */
export const PollSettings = z.object({
  intervalSeconds: z.number().int(),
  nextPollAt: Timestamp,
  breaker: PollBreakerState.describe('open: polling stopped until an admin resets it.'),
  breakerReason: z.string().nullable().describe('Why the breaker opened; null while closed.'),
  breakerOpenedAt: Timestamp.nullable(),
  failures: z.number().int().describe('Polls that failed in a row.'),
  lastError: z.string().nullable(),
  lastPolledAt: Timestamp.nullable(),
  heads: z
    .number()
    .int()
    .nullable()
    .describe('Branch and tag heads known from the last poll; null before the first.'),
});
export type PollSettings = z.infer<typeof PollSettings>;
