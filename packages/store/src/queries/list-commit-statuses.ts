import type { CommitStatusRecord } from '@slipway/core';
import { toCommitStatus } from '../rows/commit-status.js';
import type { StoreContext } from '../store-context.js';

/** The outbox rows of a commit of a project, oldest first, with their runs' statuses. */
export async function listCommitStatuses(
  ctx: StoreContext,
  projectId: string,
  commit: string,
): Promise<CommitStatusRecord[]> {
  const rows = await ctx.db
    .selectFrom('commit_statuses as cs')
    .leftJoin('runs as r', 'r.id', 'cs.run_id')
    .selectAll('cs')
    .select('r.status as run_status')
    .where('cs.project_id', '=', projectId)
    .where('cs.commit_id', '=', commit)
    .orderBy('cs.id')
    .execute();
  return rows.map(toCommitStatus);
}
