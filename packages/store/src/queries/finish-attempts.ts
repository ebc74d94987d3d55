import type { AttemptFinish, RecordedOutcome } from '@slipway/core';
import type { Kysely } from 'kysely';
import { AttemptStatus } from '../attempt-status.js';
import type { StoreDatabase } from '../database.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Records how attempts the agents hold ended, unapplied, in one transaction; false for
 * each attempt that is settled already (for example lost) or held by another agent.
 */
export async function finishAttempts(
  ctx: StoreContext,
  finishes: readonly AttemptFinish[],
): Promise<boolean[]> {
  if (finishes.length === 0) return [];
  const recorded = await writeTransaction(ctx, (trx) => finishAttemptsWithin(trx, finishes));
  return recorded.map((outcome) => outcome !== null);
}

/**
 * {@link finishAttempts} inside the write transaction `trx`: per end, the outcome as
 * recorded, or null when it was refused.
 */
export async function finishAttemptsWithin(
  trx: Kysely<StoreDatabase>,
  finishes: readonly AttemptFinish[],
): Promise<(RecordedOutcome | null)[]> {
  const recorded: (RecordedOutcome | null)[] = [];
  for (const finish of finishes) {
    const row = await trx
      .updateTable('attempts')
      .set({
        status: AttemptStatus.Settled,
        outcome: finish.outcome,
        results: JSON.stringify(finish.results),
        error: finish.error,
        finished_at: finish.now,
        applied: 0,
      })
      .where('id', '=', finish.attemptId)
      .where('agent_id', '=', finish.agentId)
      .where('status', '=', AttemptStatus.Claimed)
      .returning(['run_id', 'task_id', 'attempt', 'claimed_at'])
      .executeTakeFirst();
    recorded.push(
      row === undefined
        ? null
        : {
            attemptId: finish.attemptId,
            runId: row.run_id,
            taskId: row.task_id,
            attempt: row.attempt,
            outcome: finish.outcome,
            results: finish.results,
            error: finish.error,
            finishedAt: finish.now,
            claimedAt: row.claimed_at,
          },
    );
  }
  return recorded;
}
