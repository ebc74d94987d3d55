import type { RoleBinding } from '@slipway/core';
import { toRoleBinding } from '../rows/role-binding.js';
import type { StoreContext } from '../store-context.js';

/** A user's role bindings in every project, by project id. */
export async function rolesOfUser(ctx: StoreContext, user: string): Promise<RoleBinding[]> {
  const rows = await ctx.db
    .selectFrom('role_bindings')
    .selectAll()
    .where('user_name', '=', user)
    .orderBy('project_id')
    .execute();
  return rows.map(toRoleBinding);
}
