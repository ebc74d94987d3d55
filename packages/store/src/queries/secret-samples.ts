import type { SampledSecret } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** The secrets stored first and last (one when only one is stored, none when none is). */
export async function secretSamples(ctx: StoreContext): Promise<SampledSecret[]> {
  const pick = (direction: 'asc' | 'desc') =>
    ctx.db
      .selectFrom('secrets')
      .select(['project_id', 'name', 'ciphertext', 'updated_at'])
      .orderBy('updated_at', direction)
      .orderBy('project_id', direction)
      .orderBy('name', direction)
      .limit(1)
      .executeTakeFirst();
  const rows = [await pick('asc'), await pick('desc')].filter((row) => row !== undefined);
  const unique = rows.filter(
    (row, i) => rows.findIndex((r) => r.project_id === row.project_id && r.name === row.name) === i,
  );
  return unique.map((row) => ({
    projectId: row.project_id,
    name: row.name,
    ciphertext: row.ciphertext,
    updatedAt: row.updated_at,
  }));
}
