import type { SecretInfo } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** Names and times of a project's secrets, by name; never their values. */
export async function listSecrets(ctx: StoreContext, projectId: string): Promise<SecretInfo[]> {
  const rows = await ctx.db
    .selectFrom('secrets')
    .select(['name', 'updated_at'])
    .where('project_id', '=', projectId)
    .orderBy('name')
    .execute();
  return rows.map((row) => ({ name: row.name, updatedAt: row.updated_at }));
}
