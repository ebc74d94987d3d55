import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Takes a user out of a group; false when they were not in it. */
export async function removeGroupMember(
  ctx: StoreContext,
  group: string,
  user: string,
): Promise<boolean> {
  const result = await retryTransient(ctx, () =>
    ctx.db
      .deleteFrom('group_members')
      .where('group_name', '=', group)
      .where('user_name', '=', user)
      .executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}
