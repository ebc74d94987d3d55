import type { NewApproval } from '@slipway/core';
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../database.js';

/**
 * Records approval decisions of one run within a run update. A task is decided once: a
 * second decision for the same task is a bug in the caller and fails the update.
 */
export async function recordApprovals(
  trx: Kysely<StoreDatabase>,
  runId: string,
  approvals: readonly NewApproval[],
): Promise<void> {
  if (approvals.length === 0) return;
  await trx
    .insertInto('approvals')
    .values(
      approvals.map((a) => ({
        run_id: runId,
        task_id: a.taskId,
        decision: a.decision,
        decided_by: a.by,
        comment: a.comment,
        decided_at: a.at,
      })),
    )
    .execute();
}
