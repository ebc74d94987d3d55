import type { AttemptFinish } from '@slipway/core';
import { AttemptStatus } from '../attempt-status.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Records how attempts the agents hold ended, unapplied, in one transaction; false for
 * each attempt that is settled already (for example lost) or held by another agent.
 */
export function finishAttempts(
  ctx: StoreContext,
  finishes: readonly AttemptFinish[],
): Promise<boolean[]> {
  if (finishes.length === 0) return Promise.resolve([]);
  return writeTransaction(ctx, async (trx) => {
    const accepted: boolean[] = [];
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
        .returning('id')
        .executeTakeFirst();
      accepted.push(row !== undefined);
    }
    return accepted;
  });
}
