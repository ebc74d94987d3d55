import type { Project } from '@slipway/core';
import type { StoreContext } from '../store-context.js';
import { findProject } from './find-project.js';

/** Changes a project's default branch; the project as it is now, or null when there is none. */
export async function setProjectDefaultBranch(
  ctx: StoreContext,
  projectId: string,
  branch: string,
): Promise<Project | null> {
  const result = await ctx.db
    .updateTable('projects')
    .set({ default_branch: branch })
    .where('id', '=', projectId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return null;
  return findProject(ctx, projectId);
}
