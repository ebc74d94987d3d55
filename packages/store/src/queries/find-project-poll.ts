import type { ProjectPoll } from '@slipway/core';
import { toProjectPoll } from '../rows/project-poll.js';
import type { StoreContext } from '../store-context.js';

/** A project's polling; null when it is not polled. */
export async function findProjectPoll(
  ctx: StoreContext,
  projectId: string,
): Promise<ProjectPoll | null> {
  const row = await ctx.db
    .selectFrom('project_polls')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row === undefined ? null : toProjectPoll(row);
}
