import { sql, type Kysely } from 'kysely';
import type { StoreDatabase } from '../database.js';
import type { StoreDialect } from './store-dialect.js';

/** SQLite: one writer at a time, taken at `BEGIN IMMEDIATE`. */
export const sqliteDialect: StoreDialect = {
  name: 'sqlite',
  locksRows: false,

  writeTransaction<T>(
    db: Kysely<StoreDatabase>,
    work: (trx: Kysely<StoreDatabase>) => Promise<T>,
  ): Promise<T> {
    return db.connection().execute(async (conn) => {
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
    });
  },

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
