import type { ProjectPoll } from '@slipway/core';
import { toProjectPoll } from '../rows/project-poll.js';
import type { StoreContext } from '../store-context.js';

/** Every polled project's polling, by project id. */
export async function listProjectPolls(ctx: StoreContext): Promise<ProjectPoll[]> {
  const rows = await ctx.db.selectFrom('project_polls').selectAll().orderBy('project_id').execute();
  return rows.map(toProjectPoll);
}
