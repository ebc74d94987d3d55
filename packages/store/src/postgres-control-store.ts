import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { UserError, UserErrorKind } from '@slipway/core';
import type { StoreDatabase } from './database.js';
import { postgresDialect } from './dialect/postgres-dialect.js';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import { SqlControlStore } from './sql-control-store.js';

/** Options of {@link PostgresControlStore.open}. */
export interface PostgresStoreOptions {
  /**
   * Schema that holds the store's tables (created when missing); by default the first
   * schema of the server's search path, normally `public`. Lowercase letters, digits and
   * underscores.
   */
  readonly schema?: string;
  /** Connections in the pool; 10 by default. */
  readonly maxConnections?: number;
}

/** Reads `bigint` columns (times in milliseconds) as numbers instead of strings. */
const typeParsers = new pg.TypeOverrides();
typeParsers.setTypeParser(pg.types.builtins.INT8, 'text', Number);

/** Error codes meaning the database cannot be reached or entered as configured. */
const CONNECT_TIMEOUT_MS = 10_000;

const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  '28000',
  '28P01',
  '3D000',
]);

/**
 * The control store in a PostgreSQL database, shared safely by several server processes:
 * run updates lock their run row and claims skip rows other claimers hold.
 */
export class PostgresControlStore extends SqlControlStore {
  /** Connects to `url` (`postgres://user@host:port/database`) and applies pending migrations. */
  static async open(
    url: string,
    options: PostgresStoreOptions = {},
  ): Promise<PostgresControlStore> {
    const { schema } = options;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new UserError(
        UserErrorKind.Usage,
        `The PostgreSQL schema name "${schema}" may hold only lowercase letters, digits and underscores.`,
      );
    }
    if (!URL.canParse(url)) {
      throw new UserError(
        UserErrorKind.Usage,
        `"${url}" is not a PostgreSQL URL: write it like postgres://user:password@host:5432/database`,
      );
    }
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      // Something that accepts connections but never answers as PostgreSQL would (another
      // service on the port) must not hold the start forever.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      types: typeParsers,
      ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    });
    // An idle connection that breaks (a database restart) must not end the process; the
    // next query on the pool reports the problem instead.
    pool.on('error', () => undefined);
    const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
    try {
      if (schema !== undefined) {
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      }
      const { rows } = await sql<{
        schema: string | null;
      }>`select current_schema() as schema`.execute(db);
      const current = rows[0]?.schema ?? null;
      if (current === null) {
        throw new UserError(
          UserErrorKind.Environment,
          `No schema of the search path of ${redact(url)} exists; create one or name one to use.`,
        );
      }
      await migrateToLatest(db, current);
    } catch (error) {
      await db.destroy();
      const code = (error as { code?: unknown } | null)?.code;
      if (
        (typeof code === 'string' && CONNECT_ERRORS.has(code)) ||
        (code === undefined && isLostConnection(error))
      ) {
        throw new UserError(
          UserErrorKind.Environment,
          `Cannot connect to PostgreSQL at ${redact(url)}: ${(error as Error).message}`,
        );
      }
      throw error;
    }
    return new PostgresControlStore(db, postgresDialect);
  }
}

/** pg's own errors when what answered is not PostgreSQL or went away while connecting. */
function isLostConnection(error: unknown): boolean {
  return (
    error instanceof Error &&
    /^Connection terminated|^connection timeout|^timeout expired/i.test(error.message)
  );
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
