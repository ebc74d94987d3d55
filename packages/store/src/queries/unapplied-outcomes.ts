import type { AttemptOutcome, RecordedOutcome } from '@slipway/core';
import { AttemptStatus } from '../attempt-status.js';
import { parseResults } from '../rows/json.js';
import type { StoreContext } from '../store-context.js';

/** Settled attempts whose outcome no run update has applied yet, oldest first. */
export async function unappliedOutcomes(
  ctx: StoreContext,
  limit: number,
): Promise<RecordedOutcome[]> {
  const rows = await ctx.db
    .selectFrom('attempts')
    .select([
      'id',
      'run_id',
      'task_id',
      'attempt',
      'outcome',
      'results',
      'error',
      'finished_at',
      'claimed_at',
    ])
    .where('status', '=', AttemptStatus.Settled)
    .where('applied', '=', 0)
    .orderBy('finished_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    attemptId: row.id,
    runId: row.run_id,
    taskId: row.task_id,
    attempt: row.attempt,
    outcome: row.outcome as AttemptOutcome,
    results: parseResults(row.results),
    error: row.error,
    finishedAt: row.finished_at ?? 0,
    claimedAt: row.claimed_at,
  }));
}
