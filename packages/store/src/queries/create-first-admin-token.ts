import type { NewToken, TokenRecord } from '@slipway/core';
import { TOKEN_COLUMNS, toTokenRecord } from '../rows/token-record.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';
import { tokenRow } from './create-token.js';

/**
 * The id of the token made on the first start. Two servers that both find no admin token
 * insert the same id, so only one of them succeeds.
 */
const FIRST_ADMIN_ID = 'first-admin';

/** Stores `token` as the first admin token unless an admin token exists; null then. */
export function createFirstAdminToken(
  ctx: StoreContext,
  token: NewToken,
): Promise<TokenRecord | null> {
  return writeTransaction(ctx, async (trx) => {
    const admin = await trx
      .selectFrom('tokens')
      .select('id')
      .where('admin', '=', 1)
      .limit(1)
      .executeTakeFirst();
    if (admin !== undefined) return null;
    const row = await trx
      .insertInto('tokens')
      .values(tokenRow(FIRST_ADMIN_ID, { ...token, admin: true }))
      .onConflict((oc) => oc.column('id').doNothing())
      .returning(TOKEN_COLUMNS)
      .executeTakeFirst();
    return row === undefined ? null : toTokenRecord(row);
  });
}
