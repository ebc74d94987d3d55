import { resolve } from 'node:path';
import { UserError, UserErrorKind } from '@slipway/core';
import { SQLITE_MEMORY, SqliteSync } from './sqlite-control-store.js';

/** Where a control store lives, as {@link parseStoreUrl} reads it. */
export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly path: string; readonly synchronous: SqliteSync }
  | { readonly kind: 'postgres'; readonly url: string };

/**
 * Reads a store URL: `sqlite:///abs/path.db`, `sqlite:relative/path.db`,
 * `sqlite::memory:`, `postgres://…` (or `postgresql://…`), or a plain file path, which
 * means SQLite. Relative paths are resolved against the working directory. A SQLite URL
 * may end with `?synchronous=normal` (or `full`, the default); see {@link SqliteSync}.
 */
export function parseStoreUrl(url: string): StoreLocation {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { kind: 'postgres', url };
  }
  const query = url.indexOf('?');
  const path = sqlitePath(query === -1 ? url : url.slice(0, query));
  const synchronous = query === -1 ? SqliteSync.Full : sqliteSync(url, url.slice(query + 1));
  return { kind: 'sqlite', path, synchronous };
}

/**
 * Where the store at `url` is, for people: `SQLite at PATH` (or `in memory`), or
 * `PostgreSQL at HOST:PORT/DATABASE`, never with a user name or password.
 */
export function describeStoreUrl(url: string): string {
  const location = parseStoreUrl(url);
  if (location.kind === 'sqlite') {
    return location.path === SQLITE_MEMORY ? 'SQLite in memory' : `SQLite at ${location.path}`;
  }
  const parsed = new URL(location.url);
  return `PostgreSQL at ${parsed.host}${parsed.pathname}`;
}

function sqliteSync(url: string, query: string): SqliteSync {
  const params = new URLSearchParams(query);
  const unknown = [...params.keys()].filter((key) => key !== 'synchronous');
  const value = params.get('synchronous');
  const known: readonly string[] = Object.values(SqliteSync);
  if (unknown.length > 0 || value === null || !known.includes(value)) {
    throw new UserError(
      UserErrorKind.Usage,
      `The store URL ${url} has options SQLite does not take; the only one is ?synchronous=full (the default) or ?synchronous=normal.`,
    );
  }
  return value as SqliteSync;
}

function sqlitePath(url: string): string {
  if (url === 'sqlite::memory:' || url === SQLITE_MEMORY) return SQLITE_MEMORY;
  if (url.startsWith('sqlite://')) {
    const path = decodeURIComponent(url.slice('sqlite://'.length));
    if (!path.startsWith('/')) {
      throw new UserError(
        UserErrorKind.Usage,
        `The store URL ${url} needs an absolute path after "sqlite://" (three slashes, as in sqlite:///var/lib/slipway.db), or "sqlite:" before a relative path.`,
      );
    }
    return path;
  }
  if (url.startsWith('sqlite:')) return resolve(url.slice('sqlite:'.length));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || url === '') {
    throw new UserError(
      UserErrorKind.Usage,
      `The store URL "${url}" is not supported; use sqlite:///path/to/file.db, sqlite::memory:, a file path, or postgres://user@host:port/database.`,
    );
  }
  return resolve(url);
}
