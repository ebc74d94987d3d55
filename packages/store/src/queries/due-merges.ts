import type { PullRequestRecord } from '@slipway/core';
import { toPullRequest } from '../rows/pull-request.js';
import type { StoreContext } from '../store-context.js';

/** Pull requests whose automatic merge is due at `now`, oldest due first. */
export async function dueMerges(
  ctx: StoreContext,
  now: number,
  limit: number,
): Promise<PullRequestRecord[]> {
  if (limit <= 0) return [];
  const rows = await ctx.db
    .selectFrom('pull_requests')
    .selectAll()
    .where('merge_due_at', 'is not', null)
    .where('merge_due_at', '<=', now)
    .orderBy('merge_due_at')
    .orderBy('project_id')
    .orderBy('number')
    .limit(limit)
    .execute();
  return rows.map(toPullRequest);
}
