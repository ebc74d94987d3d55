import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/**
 * Largest body of one `POST /api/agent/logs`. Large enough that an agent can fill a batch
 * by counting characters (each takes at most 6 bytes as JSON) instead of serializing
 * every chunk to measure it.
 */
export const LOG_BATCH_MAX_BYTES = 8 * 1024 * 1024;

export const LogStream = z.enum(['stdout', 'stderr']);
export type LogStream = z.infer<typeof LogStream>;

/**
 * A piece of one step's output. `seq` orders the chunks of an attempt across all its
 * steps; a chunk sent again with the same (attempt, step, seq) is ignored.
 */
export const LogChunk = z.object({
  attemptId: Id,
  step: z.number().int().nonnegative().describe('Index of the step in the task, from 0.'),
  seq: z.number().int().nonnegative(),
  stream: LogStream,
  text: z.string(),
  at: Timestamp,
});
export type LogChunk = z.infer<typeof LogChunk>;

export const ReadLogsQuery = z.strictObject({
  after: z.coerce
    .number()
    .int()
    .min(-1)
    .optional()
    .describe('Return chunks with a greater `seq`; -1 (the default) returns them from the start.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(5000)
    .optional()
    .describe('At most this many chunks, 1 to 5000; 1000 when absent.'),
  attempt: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Which attempt's output, from 1; the latest when absent."),
});
export type ReadLogsQuery = z.infer<typeof ReadLogsQuery>;

/** Output of one attempt of a task (the latest unless another was asked for). */
export const TaskLogs = z.object({
  attemptId: Id.nullable().describe("Null before the task's first attempt."),
  attempt: z.number().int().nonnegative(),
  chunks: z.array(LogChunk),
  next: z.number().int().describe('Pass as `after` to read on.'),
});
export type TaskLogs = z.infer<typeof TaskLogs>;

export const FollowLogsQuery = z.strictObject({
  attempt: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'Which attempt to follow, from 1; when absent, the latest (waiting for the first if there is none yet).',
    ),
  after: z.coerce
    .number()
    .int()
    .min(-1)
    .optional()
    .describe(
      'Send chunks with a greater `seq`; -1 (the default) sends them from the start. A `Last-Event-ID` header wins over it.',
    ),
});
export type FollowLogsQuery = z.infer<typeof FollowLogsQuery>;

/** Data of the `attempt` event that opens a log stream: which attempt it follows. */
export const LogStreamAttempt = z.object({
  attemptId: Id,
  attempt: z.number().int().positive(),
});
export type LogStreamAttempt = z.infer<typeof LogStreamAttempt>;

/**
 * Data of the `end` event that closes a log stream: the attempt settled and every chunk
 * was sent. `attemptId` is null when the task ended without any attempt (skipped or
 * cancelled before it started).
 */
export const LogStreamEnd = z.object({
  attemptId: Id.nullable(),
  attempt: z.number().int().nonnegative(),
  last: z.number().int().describe('`seq` of the last chunk sent, -1 for none.'),
});
export type LogStreamEnd = z.infer<typeof LogStreamEnd>;
