import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { UserError, UserErrorKind, makeFolders } from '@slipway/core';
import type { StoreDatabase } from './database.js';
import { sqliteDialect } from './dialect/sqlite-dialect.js';
import { withStatementCache } from './dialect/statement-cache.js';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import { SqlControlStore } from './sql-control-store.js';

/** The path that opens a private in-memory database, gone when the store closes. */
export const SQLITE_MEMORY = ':memory:';

/** How long a write waits for another process's write lock on the same file. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * When SQLite syncs commits to disk. `full` (the default): every commit is on disk when
 * it returns. `normal`: in WAL mode the database stays consistent whatever happens, and a
 * commit survives a crash of Slipway's process (`kill -9` included), but an operating
 * system crash or power loss may undo the last commits; it saves a sync per commit
 * (docs/architecture.md says what that costs).
 */
export const SqliteSync = {
  Normal: 'normal',
  Full: 'full',
} as const;
export type SqliteSync = (typeof SqliteSync)[keyof typeof SqliteSync];

/** Options of {@link SqliteControlStore.open}. */
export interface SqliteStoreOptions {
  /** When commits are synced to disk; {@link SqliteSync.Full} by default. */
  readonly synchronous?: SqliteSync;
}

/*
 * The connection settings, set on every open (the file keeps the page size and the
 * journal mode; the others last as long as the connection); docs/architecture.md says why:
 *
 * - page_size 16 KiB, for a new file only (an existing file keeps the size it was made
 *   with): a log chunk of 64 Ki characters fills four pages instead of sixteen;
 * - journal_mode WAL: readers (log followers, list endpoints) never wait for the writer;
 * - synchronous NORMAL or FULL, as asked (see SqliteSync);
 * - busy_timeout: a write waits this long for another process's write lock instead of
 *   failing at once;
 * - foreign_keys ON: SQLite does not enforce them otherwise.
 */
function pragmas(synchronous: SqliteSync): readonly string[] {
  return [
    'page_size = 16384',
    'journal_mode = WAL',
    `synchronous = ${synchronous === SqliteSync.Full ? 'FULL' : 'NORMAL'}`,
    `busy_timeout = ${BUSY_TIMEOUT_MS}`,
    'foreign_keys = ON',
  ];
}

/**
 * The control store in one SQLite file (WAL journal, foreign keys enforced, commits synced
 * as asked; see the pragmas above). One process should open a given file once: writes
 * take the file's write lock for a whole transaction, and a second connection in the same
 * process would wait for it while blocking the event loop the first one needs.
 */
export class SqliteControlStore extends SqlControlStore {
  /**
   * Opens the database at `path` (an absolute or relative file path, created with its
   * folder when missing, or {@link SQLITE_MEMORY}) and applies pending migrations.
   */
  static async open(path: string, options: SqliteStoreOptions = {}): Promise<SqliteControlStore> {
    const synchronous = options.synchronous ?? SqliteSync.Full;
    let database: Database.Database;
    try {
      if (path !== SQLITE_MEMORY) makeFolders(dirname(path));
      database = new Database(path);
      for (const pragma of pragmas(synchronous)) {
        database.pragma(pragma);
      }
    } catch (error) {
      throw new UserError(
        UserErrorKind.Environment,
        `Cannot open the SQLite database ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const db = new Kysely<StoreDatabase>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
    });
    try {
      await migrateToLatest(db, null);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new SqliteControlStore(db, sqliteDialect(synchronous === SqliteSync.Full));
  }
}
