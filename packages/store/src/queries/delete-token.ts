import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Removes a token; false when there is none with this id. */
export async function deleteToken(ctx: StoreContext, tokenId: string): Promise<boolean> {
  const row = await retryTransient(ctx, () =>
    ctx.db.deleteFrom('tokens').where('id', '=', tokenId).returning('id').executeTakeFirst(),
  );
  return row !== undefined;
}
