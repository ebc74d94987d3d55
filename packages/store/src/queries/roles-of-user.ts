import type { RoleBinding } from '@slipway/core';
import { toRoleBinding } from '../rows/role-binding.js';
import type { StoreContext } from '../store-context.js';
import { subjectsOfUser } from './subjects-of-user.js';

/** The role bindings that apply to a user (their own, their groups'), by project, subject. */
export async function rolesOfUser(ctx: StoreContext, user: string): Promise<RoleBinding[]> {
  const rows = await ctx.db
    .selectFrom('role_bindings')
    .selectAll()
    .where((eb) => subjectsOfUser(eb, user))
    .orderBy('project_id')
    .orderBy('user_name')
    .execute();
  return rows.map(toRoleBinding);
}
