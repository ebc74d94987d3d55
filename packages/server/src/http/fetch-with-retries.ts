import { setTimeout as sleep } from 'node:timers/promises';

/** How an outbound request is tried again. */
export interface RetryPolicy {
  /** Retries after the first try, for server errors, 429 and network failures (3 by default). */
  readonly retries?: number;
  /** The first retry's delay; each next one doubles, with jitter (500 ms by default). */
  readonly backoffMs?: number;
  /** The longest delay between tries, also for a `Retry-After` (10 s by default). */
  readonly maxBackoffMs?: number;
  /** How long one try may take (10 s by default). */
  readonly timeoutMs?: number;
  /** Once aborted, no further try starts: the last try's outcome is the answer. */
  readonly signal?: AbortSignal;
}

/** A try that got an HTTP answer; its body read as text. */
export interface HttpAnswer {
  readonly kind: 'answer';
  readonly status: number;
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  readonly text: string;
}

/** A try that got no answer: refused, reset, timed out, or the like. */
export interface NetworkFailure {
  readonly kind: 'network';
  /** What went wrong, from the error's cause when it has one. */
  readonly cause: string;
}

/** What one try of a request came to. */
export type TryOutcome = HttpAnswer | NetworkFailure;

/** Whether an answer with this status is worth trying again: a server error or a 429. */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/**
 * Sends a request, trying again after server errors, 429 and network failures with
 * exponential backoff and jitter (a `Retry-After` in seconds is honoured up to the
 * longest delay), never after other answers. Calls `onTry` after each try, and answers
 * the last try's outcome: a 2xx, an answer not worth trying again, or the last transient
 * failure once the retries are used up or `signal` aborted. Never throws for an answer or
 * a network failure.
 */
export async function fetchWithRetries(
  url: string,
  init: Omit<RequestInit, 'signal'>,
  policy: RetryPolicy = {},
  onTry?: (outcome: TryOutcome) => void,
): Promise<TryOutcome> {
  const tries = Math.max(0, policy.retries ?? 3) + 1;
  const backoff = policy.backoffMs ?? 500;
  const maxBackoff = policy.maxBackoffMs ?? 10_000;
  let retryAfter = 0;
  let last: TryOutcome | undefined;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      const exponential = Math.min(maxBackoff, backoff * 2 ** (attempt - 1));
      const jittered = exponential * (0.5 + Math.random() / 2);
      await sleep(Math.min(maxBackoff, Math.max(jittered, retryAfter)), undefined, {
        signal: policy.signal,
      }).catch(() => undefined);
      if (policy.signal?.aborted === true && last !== undefined) return last;
    }
    let outcome: TryOutcome;
    retryAfter = 0;
    try {
      const response = await fetch(url, {
        ...init,
        signal: AbortSignal.timeout(policy.timeoutMs ?? 10_000),
      });
      const text = await response.text();
      outcome = { kind: 'answer', status: response.status, ok: response.ok, text };
      if (!response.ok) retryAfter = retryAfterMs(response.headers.get('retry-after'));
    } catch (error) {
      outcome = { kind: 'network', cause: causeOf(error) };
    }
    onTry?.(outcome);
    last = outcome;
    const transient = outcome.kind === 'network' || isTransientStatus(outcome.status);
    if ((outcome.kind === 'answer' && outcome.ok) || !transient || attempt + 1 >= tries) {
      return outcome;
    }
  }
}

function retryAfterMs(value: string | null): number {
  if (value === null) return 0;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 0;
}

function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}
