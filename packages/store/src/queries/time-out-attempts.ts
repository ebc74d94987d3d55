import { AttemptOutcome, type AttemptRef, type AttemptTimeout } from '@slipway/core';
import { AttemptStatus } from '../attempt-status.js';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/**
 * Settles each attempt that is still claimed with outcome `timed_out` and its error,
 * unapplied; returns those it settled. An attempt settled meanwhile (its agent finished
 * it, or its lease lapsed) is left as it is.
 */
export async function timeOutAttempts(
  ctx: StoreContext,
  attempts: readonly AttemptTimeout[],
  now: number,
): Promise<AttemptRef[]> {
  const settled: AttemptRef[] = [];
  for (const { attemptId, error } of attempts) {
    const row = await retryTransient(ctx, () =>
      ctx.db
        .updateTable('attempts')
        .set({
          status: AttemptStatus.Settled,
          outcome: AttemptOutcome.TimedOut,
          results: '{}',
          error,
          finished_at: now,
          applied: 0,
        })
        .where('id', '=', attemptId)
        .where('status', '=', AttemptStatus.Claimed)
        .returning(['id', 'run_id', 'task_id', 'attempt'])
        .executeTakeFirst(),
    );
    if (row) {
      settled.push({
        attemptId: row.id,
        runId: row.run_id,
        taskId: row.task_id,
        attempt: row.attempt,
      });
    }
  }
  return settled;
}
