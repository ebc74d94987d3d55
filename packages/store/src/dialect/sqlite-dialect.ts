import { sql, type Kysely } from 'kysely';
import { CommitSync } from '@slipway/core';
import type { StoreDatabase } from '../database.js';
import type { StoreDialect } from './store-dialect.js';

/**
 * SQLite: one writer at a time, taken at `BEGIN IMMEDIATE`. `syncsEveryCommit` says
 * whether the connection runs with `synchronous = FULL`; then a transaction committed
 * {@link CommitSync.Later} runs with `NORMAL` (in WAL mode: the WAL is not synced at its
 * commit, and the next commit that syncs it takes this one along), the setting being
 * switched while the transaction holds the connection.
 */
export function sqliteDialect(syncsEveryCommit: boolean): StoreDialect {
  return { ...sqliteQueries, writeTransaction };

  function writeTransaction<T>(
    db: Kysely<StoreDatabase>,
    work: (trx: Kysely<StoreDatabase>) => Promise<T>,
    sync: CommitSync = CommitSync.Now,
  ): Promise<T> {
    const relaxed = syncsEveryCommit && sync === CommitSync.Later;
    return db.connection().execute(async (conn) => {
      if (relaxed) await sql`pragma synchronous = NORMAL`.execute(conn);
      try {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await work(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          // SQLite rolls some failed transactions back by itself; then there is nothing to undo.
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      } finally {
        if (relaxed) await sql`pragma synchronous = FULL`.execute(conn);
      }
    });
  }
}

const sqliteQueries: Omit<StoreDialect, 'writeTransaction'> = {
  name: 'sqlite',
  locksRows: false,

  labelsWithin(agentLabels) {
    if (agentLabels.length === 0) return sql<boolean>`attempts.labels = '[]'`;
    return sql<boolean>`not exists (select 1 from json_each(attempts.labels) as l where l.value not in (${sql.join(agentLabels)}))`;
  },

  triggerBranchIs(branch) {
    return sql<boolean>`json_extract(runs.trigger, '$.branch') = ${branch}`;
  },

  isTransient(error) {
    const code = (error as { code?: unknown } | null)?.code;
    return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
  },
};
