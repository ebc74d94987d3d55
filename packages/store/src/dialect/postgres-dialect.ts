import { sql, type Kysely } from 'kysely';
import { CommitSync } from '@slipway/core';
import type { StoreDatabase } from '../database.js';
import type { StoreDialect } from './store-dialect.js';

/** `serialization_failure` and `deadlock_detected`: the transaction may run again. */
const TRANSIENT_CODES = new Set(['40001', '40P01']);

/** PostgreSQL: row locks (`FOR UPDATE`, `SKIP LOCKED`) let several servers share one database. */
export const postgresDialect: StoreDialect = {
  name: 'postgres',
  locksRows: true,

  writeTransaction<T>(
    db: Kysely<StoreDatabase>,
    work: (trx: Kysely<StoreDatabase>) => Promise<T>,
    sync: CommitSync = CommitSync.Now,
  ): Promise<T> {
    if (sync === CommitSync.Now) return db.transaction().execute(work);
    return db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      return await work(trx);
    });
  },

  labelsWithin(agentLabels) {
    return sql<boolean>`attempts.labels::jsonb <@ ${JSON.stringify(agentLabels)}::jsonb`;
  },

  triggerBranchIs(branch) {
    return sql<boolean>`(runs.trigger::jsonb ->> 'branch') = ${branch}`;
  },

  isTransient(error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && TRANSIENT_CODES.has(code);
  },
};
