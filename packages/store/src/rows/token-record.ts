import type { TokenKind, TokenRecord } from '@slipway/core';
import type { TokensTable } from '../database.js';

/** The columns of `tokens` a {@link TokenRecord} is made of (never the hash). */
export const TOKEN_COLUMNS = [
  'id',
  'name',
  'user_name',
  'kind',
  'admin',
  'created_at',
  'last_used_at',
] as const satisfies readonly (keyof TokensTable)[];

type TokenRow = Pick<TokensTable, (typeof TOKEN_COLUMNS)[number]>;

/** A `tokens` row as the port's record. */
export function toTokenRecord(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    user: row.user_name,
    kind: row.kind as TokenKind,
    admin: row.admin !== 0,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
