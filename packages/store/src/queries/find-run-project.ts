import type { StoreContext } from '../store-context.js';

/** The project id of a run, or null when there is no such run. */
export async function findRunProject(ctx: StoreContext, runId: string): Promise<string | null> {
  const row = await ctx.db
    .selectFrom('runs')
    .select('project_id')
    .where('id', '=', runId)
    .executeTakeFirst();
  return row?.project_id ?? null;
}
