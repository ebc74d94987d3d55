import type { AttemptFinish } from '@slipway/core';
import { AttemptStatus } from '../attempt-status.js';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/**
 * Records how an attempt the agent holds ended, unapplied; false when the attempt is
 * settled already (for example lost) or held by another agent.
 */
export async function finishAttempt(ctx: StoreContext, finish: AttemptFinish): Promise<boolean> {
  const row = await retryTransient(ctx, () =>
    ctx.db
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
      .executeTakeFirst(),
  );
  return row !== undefined;
}
