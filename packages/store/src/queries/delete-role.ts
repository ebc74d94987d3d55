import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Takes a user's role in a project away; false when they had none. */
export async function deleteRole(
  ctx: StoreContext,
  projectId: string,
  user: string,
): Promise<boolean> {
  const row = await retryTransient(ctx, () =>
    ctx.db
      .deleteFrom('role_bindings')
      .where('project_id', '=', projectId)
      .where('user_name', '=', user)
      .returning('project_id')
      .executeTakeFirst(),
  );
  return row !== undefined;
}
