import { sql } from 'kysely';
import type { StoreContext } from '../store-context.js';

/** Attempts queued and not claimed yet. */
export async function countQueuedAttempts(ctx: StoreContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('attempts')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    // A literal, not a parameter, so that SQLite uses the partial index on queued attempts.
    .where(sql<boolean>`status = 'queued'`)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
