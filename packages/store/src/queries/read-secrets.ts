import type { StoredSecret } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** A project's secrets with their ciphertexts, by name. */
export async function readSecrets(ctx: StoreContext, projectId: string): Promise<StoredSecret[]> {
  const rows = await ctx.db
    .selectFrom('secrets')
    .select(['name', 'ciphertext', 'updated_at'])
    .where('project_id', '=', projectId)
    .orderBy('name')
    .execute();
  return rows.map((row) => ({
    name: row.name,
    ciphertext: row.ciphertext,
    updatedAt: row.updated_at,
  }));
}
