import type { GroupMembership } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** A group's members, by user; empty for a group without members. */
export async function listGroupMembers(
  ctx: StoreContext,
  group: string,
): Promise<GroupMembership[]> {
  const rows = await ctx.db
    .selectFrom('group_members')
    .selectAll()
    .where('group_name', '=', group)
    .orderBy('user_name')
    .execute();
  return rows.map((row) => ({ group: row.group_name, user: row.user_name, addedAt: row.added_at }));
}
