import type { Project } from '@slipway/core';
import { toProject, PROJECT_COLUMNS } from '../rows/project.js';
import type { StoreContext } from '../store-context.js';

/** Every project, by name. */
export async function listProjects(ctx: StoreContext): Promise<Project[]> {
  const rows = await ctx.db
    .selectFrom('projects')
    .select(PROJECT_COLUMNS)
    .orderBy('name')
    .execute();
  return rows.map(toProject);
}
