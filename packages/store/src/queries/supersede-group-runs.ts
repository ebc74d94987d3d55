import type { Plan } from '@slipway/core';
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../database.js';
import { UNFINISHED_RUN_STATUSES } from '../rows/concurrency-columns.js';

/**
 * Within the transaction creating run `runId` of `plan`: when the plan's group cancels in
 * progress, marks every other unfinished run of the group to be cancelled (see
 * `ControlStore.admitRuns`). The caller holds the project's row (the run counter), so
 * runs created concurrently in the same project see each other.
 */
export async function supersedeGroupRuns(
  trx: Kysely<StoreDatabase>,
  projectId: string,
  runId: string,
  plan: Plan,
): Promise<void> {
  const policy = plan.concurrency;
  if (!policy?.cancelInProgress) return;
  await trx
    .updateTable('runs')
    .set({ cancel_pending: 1 })
    .where('project_id', '=', projectId)
    .where('concurrency_group', '=', policy.group)
    .where('status', 'in', UNFINISHED_RUN_STATUSES)
    .where('id', '!=', runId)
    .execute();
}
