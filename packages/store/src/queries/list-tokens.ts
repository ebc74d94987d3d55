import type { TokenRecord } from '@slipway/core';
import { TOKEN_COLUMNS, toTokenRecord } from '../rows/token-record.js';
import type { StoreContext } from '../store-context.js';

/** Every token, oldest first. */
export async function listTokens(ctx: StoreContext): Promise<TokenRecord[]> {
  const rows = await ctx.db
    .selectFrom('tokens')
    .select(TOKEN_COLUMNS)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toTokenRecord);
}
