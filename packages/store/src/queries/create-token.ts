import { randomUUID } from 'node:crypto';
import type { NewToken, TokenRecord } from '@slipway/core';
import type { TokensTable } from '../database.js';
import { retryTransient } from '../retry-transient.js';
import { TOKEN_COLUMNS, toTokenRecord } from '../rows/token-record.js';
import type { StoreContext } from '../store-context.js';

/** Stores a token by its hash under a new id. */
export async function createToken(ctx: StoreContext, token: NewToken): Promise<TokenRecord> {
  const row = await retryTransient(ctx, () =>
    ctx.db
      .insertInto('tokens')
      .values(tokenRow(randomUUID(), token))
      .returning(TOKEN_COLUMNS)
      .executeTakeFirstOrThrow(),
  );
  return toTokenRecord(row);
}

/** The row of a new token. */
export function tokenRow(id: string, token: NewToken): TokensTable {
  return {
    id,
    hash: token.hash,
    name: token.name,
    user_name: token.user,
    kind: token.kind,
    admin: token.admin ? 1 : 0,
    created_at: token.createdAt,
    last_used_at: null,
  };
}
