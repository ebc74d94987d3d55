import { z } from 'zod';
import { LogChunk, LogStreamAttempt, LogStreamEnd } from '../schemas/logs.js';
import { ApiError } from './api-error.js';
import { readEventStream } from './read-event-stream.js';

/** How {@link followLogStream} follows a task's output. */
export interface FollowLogsOptions {
  /** Which attempt, from 1; the latest when absent. */
  readonly attempt?: number;
  /** Start after this `seq`; -1 (the default) starts from the beginning. */
  readonly after?: number;
  /** Stops following: the iterator rejects with the abort reason. */
  readonly signal?: AbortSignal;
  /** Pause before reconnecting after a dropped connection; 1000 ms when absent. */
  readonly retryDelayMs?: number;
  /** Failed connections in a row, with nothing received, before giving up; 10 when absent. */
  readonly maxRetries?: number;
}

/** Where a log stream resumes: the attempt (once known) and the last `seq` received. */
export interface LogStreamPosition {
  readonly attempt: number | undefined;
  readonly after: number;
}

/** Opens one connection of a log stream; rejects with an {@link ApiError} on an error response. */
export type OpenLogStream = (
  position: LogStreamPosition,
  signal: AbortSignal | undefined,
) => Promise<ReadableStream<Uint8Array>>;

/**
 * Yields the chunks of a log stream until its `end` event, which it returns. A dropped
 * connection, or an answer of 5xx, is opened again after a pause, from the last `seq`
 * received and pinned to the attempt the first connection announced, so no chunk is
 * lost or repeated. Error answers of 4xx reject at once.
 */
export async function* followLogStream(
  open: OpenLogStream,
  options: FollowLogsOptions = {},
): AsyncGenerator<LogChunk, LogStreamEnd, undefined> {
  const { signal } = options;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const maxRetries = options.maxRetries ?? 10;
  let attempt = options.attempt;
  let after = options.after ?? -1;
  let failures = 0;
  for (;;) {
    let problem: unknown = new Error('the log stream ended before its end event');
    try {
      const body = await open({ attempt, after }, signal);
      for await (const event of readEventStream(body)) {
        if (event.event === 'attempt') {
          attempt = LogStreamAttempt.parse(JSON.parse(event.data)).attempt;
        } else if (event.event === 'log') {
          const chunk = LogChunk.parse(JSON.parse(event.data));
          if (chunk.seq <= after) continue;
          after = chunk.seq;
          failures = 0;
          yield chunk;
        } else if (event.event === 'end') {
          return LogStreamEnd.parse(JSON.parse(event.data));
        }
      }
    } catch (error) {
      if (signal?.aborted || !isRetriable(error)) throw error;
      problem = error;
    }
    failures += 1;
    if (failures > maxRetries) throw problem;
    await pause(retryDelayMs, signal);
  }
}

function isRetriable(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 500;
  return !(error instanceof SyntaxError) && !(error instanceof z.ZodError);
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
