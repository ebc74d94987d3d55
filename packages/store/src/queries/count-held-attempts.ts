import { sql } from 'kysely';
import type { StoreContext } from '../store-context.js';

/** Attempts agents hold: claimed and not settled yet. */
export async function countHeldAttempts(ctx: StoreContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('attempts')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    // A literal, not a parameter, so that SQLite uses the partial index on claimed attempts.
    .where(sql<boolean>`status = 'claimed'`)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
