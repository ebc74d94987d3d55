import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { UserError, UserErrorKind } from '@slipway/core';
import type { StoreDatabase } from './database.js';
import { sqliteDialect } from './dialect/sqlite-dialect.js';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import { SqlControlStore } from './sql-control-store.js';

/** The path that opens a private in-memory database, gone when the store closes. */
export const SQLITE_MEMORY = ':memory:';

/** How long a write waits for another process's write lock on the same file. */
const BUSY_TIMEOUT_MS = 5000;

/*
 * The connection settings, set on every open (the file keeps only the journal mode; the
 * others last as long as the connection); docs/architecture.md says why:
 *
 * - journal_mode WAL: readers (log followers, list endpoints) never wait for the writer;
 * - synchronous FULL: a transaction is on disk when its commit returns, so what the
 *   server acknowledged (an agent's outcome, a stored trigger, a secret) survives an
 *   operating system crash or power loss; in WAL mode NORMAL guarantees that only for a
 *   crash of the process;
 * - busy_timeout: a write waits this long for another process's write lock instead of
 *   failing at once;
 * - foreign_keys ON: SQLite does not enforce them otherwise.
 */
const PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = FULL',
  `busy_timeout = ${BUSY_TIMEOUT_MS}`,
  'foreign_keys = ON',
] as const;

/**
 * The control store in one SQLite file (WAL journal, synchronous FULL, foreign keys
 * enforced; see the pragmas above). One process should open a given file once: writes
 * take the file's write lock for a whole transaction, and a second connection in the same
 * process would wait for it while blocking the event loop the first one needs.
 */
export class SqliteControlStore extends SqlControlStore {
  /**
   * Opens the database at `path` (an absolute or relative file path, created with its
   * folder when missing, or {@link SQLITE_MEMORY}) and applies pending migrations.
   */
  static async open(path: string): Promise<SqliteControlStore> {
    let database: Database.Database;
    try {
      if (path !== SQLITE_MEMORY) mkdirSync(dirname(path), { recursive: true });
      database = new Database(path);
      for (const pragma of PRAGMAS) database.pragma(pragma);
    } catch (error) {
      throw new UserError(
        UserErrorKind.Environment,
        `Cannot open the SQLite database ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database }) });
    try {
      await migrateToLatest(db, null);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new SqliteControlStore(db, sqliteDialect);
  }
}
