import type { TokenRecord } from '@slipway/core';
import { TOKEN_COLUMNS, toTokenRecord } from '../rows/token-record.js';
import type { StoreContext } from '../store-context.js';

/** The token whose hash is `hash`, or null. */
export async function findTokenByHash(
  ctx: StoreContext,
  hash: string,
): Promise<TokenRecord | null> {
  const row = await ctx.db
    .selectFrom('tokens')
    .select(TOKEN_COLUMNS)
    .where('hash', '=', hash)
    .executeTakeFirst();
  return row === undefined ? null : toTokenRecord(row);
}
