import { highestRole, type ProjectRole } from '@slipway/core';
import type { StoreContext } from '../store-context.js';
import { subjectsOfUser } from './subjects-of-user.js';

/**
 * A user's role in a project: the highest of their own binding and their groups'
 * bindings, or null. Given `group:NAME`, that group's own binding.
 */
export async function findRole(
  ctx: StoreContext,
  projectId: string,
  user: string,
): Promise<ProjectRole | null> {
  const rows = await ctx.db
    .selectFrom('role_bindings')
    .select('role')
    .where('project_id', '=', projectId)
    .where((eb) => subjectsOfUser(eb, user))
    .execute();
  return highestRole(rows.map((row) => row.role as ProjectRole));
}
