import { UserError, UserErrorKind, type RoleBinding } from '@slipway/core';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/** Gives a user a role in a project, replacing the role they had. */
export function setRole(ctx: StoreContext, binding: RoleBinding): Promise<RoleBinding> {
  return writeTransaction(ctx, async (trx) => {
    const project = await trx
      .selectFrom('projects')
      .select('id')
      .where('id', '=', binding.projectId)
      .executeTakeFirst();
    if (project === undefined) {
      throw new UserError(UserErrorKind.NotFound, `There is no project ${binding.projectId}.`);
    }
    await trx
      .insertInto('role_bindings')
      .values({
        project_id: binding.projectId,
        user_name: binding.user,
        role: binding.role,
        updated_at: binding.updatedAt,
      })
      .onConflict((oc) =>
        oc.columns(['project_id', 'user_name']).doUpdateSet((eb) => ({
          role: eb.ref('excluded.role'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    return { ...binding };
  });
}
