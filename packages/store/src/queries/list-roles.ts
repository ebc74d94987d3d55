import type { RoleBinding } from '@slipway/core';
import { toRoleBinding } from '../rows/role-binding.js';
import type { StoreContext } from '../store-context.js';

/** A project's role bindings, by user. */
export async function listRoles(ctx: StoreContext, projectId: string): Promise<RoleBinding[]> {
  const rows = await ctx.db
    .selectFrom('role_bindings')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('user_name')
    .execute();
  return rows.map(toRoleBinding);
}
