import type { StoreContext } from '../store-context.js';

/** The groups a user belongs to, by name. */
export async function groupsOfUser(ctx: StoreContext, user: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('group_members')
    .select('group_name')
    .where('user_name', '=', user)
    .orderBy('group_name')
    .execute();
  return rows.map((row) => row.group_name);
}
