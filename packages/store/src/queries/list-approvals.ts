import type { ApprovalDecision, ApprovalRecord } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** Approval decisions of a run, in the order they were made. */
export async function listApprovals(ctx: StoreContext, runId: string): Promise<ApprovalRecord[]> {
  const rows = await ctx.db
    .selectFrom('approvals')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('decided_at')
    .orderBy('task_id')
    .execute();
  return rows.map((row) => ({
    runId: row.run_id,
    taskId: row.task_id,
    decision: row.decision as ApprovalDecision,
    by: row.decided_by,
    comment: row.comment,
    at: row.decided_at,
  }));
}
