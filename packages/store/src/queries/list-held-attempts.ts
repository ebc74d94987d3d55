import type { HeldAttempt } from '@slipway/core';
import { AttemptStatus } from '../attempt-status.js';
import type { StoreContext } from '../store-context.js';

/** Up to `limit` attempts agents hold (claimed, not settled), earliest claim first. */
export async function listHeldAttempts(ctx: StoreContext, limit: number): Promise<HeldAttempt[]> {
  const rows = await ctx.db
    .selectFrom('attempts')
    .select(['id', 'run_id', 'task_id', 'attempt', 'agent_id', 'claimed_at'])
    .where('status', '=', AttemptStatus.Claimed)
    .orderBy('claimed_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    attemptId: row.id,
    runId: row.run_id,
    taskId: row.task_id,
    attempt: row.attempt,
    agentId: row.agent_id ?? '',
    claimedAt: row.claimed_at ?? 0,
  }));
}
