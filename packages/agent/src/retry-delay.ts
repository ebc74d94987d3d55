/** How long to wait between tries of a failing call to the control plane. */
export interface RetryPolicy {
  /** The wait after the first failure. */
  readonly baseMs: number;
  /** The longest wait. */
  readonly maxMs: number;
}

/** Waits from 250 ms doubling to 10 s. */
export const defaultRetryPolicy: RetryPolicy = { baseMs: 250, maxMs: 10_000 };

/**
 * The wait after `failures` consecutive failures (1 or more): doubling from `baseMs` up
 * to `maxMs`, with a random half taken off so that many agents do not retry in step.
 */
export function retryDelayMs(policy: RetryPolicy, failures: number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(full / 2 + (Math.random() * full) / 2);
}
