/**
 * The life of an attempt row.
 *
 *   queued ──► claimed ──► settled
 *     │                      ▲
 *     └──────────────────────┘   (stopped before an agent claimed it)
 *
 * `updateRun` queues an attempt; `claimAttempts` hands it to one agent with a lease;
 * `finishAttempt` (the agent) or `expireLeases` (outcome `lost`) settles it and records
 * its outcome, which a later `updateRun` marks applied. A stop request on a queued
 * attempt settles it at once with outcome `cancelled`. Settled rows never change again,
 * except for the applied flag.
 */
export const AttemptStatus = {
  Queued: 'queued',
  Claimed: 'claimed',
  Settled: 'settled',
} as const;
export type AttemptStatus = (typeof AttemptStatus)[keyof typeof AttemptStatus];
