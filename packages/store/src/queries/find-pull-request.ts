import type { PullRequestRecord } from '@slipway/core';
import { toPullRequest } from '../rows/pull-request.js';
import type { StoreContext } from '../store-context.js';

/** A pull request's record; null when nothing was recorded. */
export async function findPullRequest(
  ctx: StoreContext,
  projectId: string,
  number: number,
): Promise<PullRequestRecord | null> {
  const row = await ctx.db
    .selectFrom('pull_requests')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('number', '=', number)
    .executeTakeFirst();
  return row === undefined ? null : toPullRequest(row);
}
