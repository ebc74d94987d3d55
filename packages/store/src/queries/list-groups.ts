import type { GroupSummary } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** Every group with members, by name, with its member count, in one aggregate query. */
export async function listGroups(ctx: StoreContext): Promise<GroupSummary[]> {
  const rows = await ctx.db
    .selectFrom('group_members')
    .select((eb) => ['group_name', eb.fn.countAll<number | string>().as('members')])
    .groupBy('group_name')
    .orderBy('group_name')
    .execute();
  return rows.map((row) => ({ name: row.group_name, members: Number(row.members) }));
}
