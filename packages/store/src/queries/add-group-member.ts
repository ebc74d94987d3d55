import type { GroupMembership } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Makes a user a member of a group; a second add keeps the first membership. */
export async function addGroupMember(
  ctx: StoreContext,
  membership: GroupMembership,
): Promise<GroupMembership> {
  await retryTransient(ctx, () =>
    ctx.db
      .insertInto('group_members')
      .values({
        group_name: membership.group,
        user_name: membership.user,
        added_at: membership.addedAt,
      })
      .onConflict((oc) => oc.columns(['group_name', 'user_name']).doNothing())
      .execute(),
  );
  const row = await ctx.db
    .selectFrom('group_members')
    .select('added_at')
    .where('group_name', '=', membership.group)
    .where('user_name', '=', membership.user)
    .executeTakeFirst();
  // A removal between the two statements leaves nothing to read: answer what was asked.
  return {
    group: membership.group,
    user: membership.user,
    addedAt: row?.added_at ?? membership.addedAt,
  };
}
