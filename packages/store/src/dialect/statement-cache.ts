import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Prepared statements kept at most; the least recently used goes first. */
const MAX_STATEMENTS = 500;

/**
 * The database as Kysely's SQLite dialect sees it, with each SQL text prepared once and
 * reused: Kysely prepares every query it runs, and preparing costs more than running the
 * small statements the store mostly makes. Safe because the store never streams a query
 * (a statement being iterated could not run again until the iteration ends) and runs each
 * statement to completion synchronously.
 */
export function withStatementCache(database: SqliteDatabase, max = MAX_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      if (cached !== undefined) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > max) {
        const oldest = statements.keys().next();
        if (oldest.done !== true) statements.delete(oldest.value);
      }
      return statement;
    },
    close(): void {
      statements.clear();
      database.close();
    },
  };
}
