import type { Kysely } from 'kysely';
import type { StoreDatabase } from './database.js';
import type { CommitSync } from '@slipway/core';
import { retryTransient } from './retry-transient.js';
import type { StoreContext } from './store-context.js';

/**
 * Runs `work` in one write transaction, from the start again when the database reports a
 * conflict (see {@link retryTransient}); `sync` says when the commit must reach the disk.
 */
export function writeTransaction<T>(
  ctx: StoreContext,
  work: (trx: Kysely<StoreDatabase>) => Promise<T>,
  sync?: CommitSync,
): Promise<T> {
  return retryTransient(ctx, () => ctx.dialect.writeTransaction(ctx.db, work, sync));
}
