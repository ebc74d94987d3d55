import type { RetryPolicy } from '../plan/plan.js';

/**
 * How long to wait after attempt `failedAttempt` (1-based) before the next one:
 * `backoffMs * 2^(failedAttempt-1)`, capped at `maxBackoffMs` (a cap of 0 means none).
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  const raw = policy.backoffMs * 2 ** Math.min(Math.max(failedAttempt - 1, 0), 40);
  return policy.maxBackoffMs > 0 ? Math.min(raw, policy.maxBackoffMs) : raw;
}
