import type { PullRequestRecord } from '@slipway/core';
import { toPullRequest } from '../rows/pull-request.js';
import type { StoreContext } from '../store-context.js';

/** A project's pull request records, highest number first, at most `limit`. */
export async function listPullRequests(
  ctx: StoreContext,
  projectId: string,
  limit: number,
): Promise<PullRequestRecord[]> {
  const rows = await ctx.db
    .selectFrom('pull_requests')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('number', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toPullRequest);
}
