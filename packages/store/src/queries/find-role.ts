import type { ProjectRole } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** A user's role in a project, or null. */
export async function findRole(
  ctx: StoreContext,
  projectId: string,
  user: string,
): Promise<ProjectRole | null> {
  const row = await ctx.db
    .selectFrom('role_bindings')
    .select('role')
    .where('project_id', '=', projectId)
    .where('user_name', '=', user)
    .executeTakeFirst();
  return row === undefined ? null : (row.role as ProjectRole);
}
