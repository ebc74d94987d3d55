import { resolve } from 'node:path';
import { UserError, UserErrorKind } from '@slipway/core';
import { SQLITE_MEMORY } from './sqlite-control-store.js';

/** Where a control store lives, as {@link parseStoreUrl} reads it. */
export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

/**
 * Reads a store URL: `sqlite:///abs/path.db`, `sqlite:relative/path.db`,
 * `sqlite::memory:`, `postgres://…` (or `postgresql://…`), or a plain file path, which
 * means SQLite. Relative paths are resolved against the working directory.
 */
export function parseStoreUrl(url: string): StoreLocation {
  if (url === 'sqlite::memory:' || url === SQLITE_MEMORY) {
    return { kind: 'sqlite', path: SQLITE_MEMORY };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { kind: 'postgres', url };
  }
  if (url.startsWith('sqlite://')) {
    const path = decodeURIComponent(url.slice('sqlite://'.length));
    if (!path.startsWith('/')) {
      throw new UserError(
        UserErrorKind.Usage,
        `The store URL ${url} needs an absolute path after "sqlite://" (three slashes, as in sqlite:///var/lib/slipway.db), or "sqlite:" before a relative path.`,
      );
    }
    return { kind: 'sqlite', path };
  }
  if (url.startsWith('sqlite:')) {
    return { kind: 'sqlite', path: resolve(url.slice('sqlite:'.length)) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || url === '') {
    throw new UserError(
      UserErrorKind.Usage,
      `The store URL "${url}" is not supported; use sqlite:///path/to/file.db, sqlite::memory:, a file path, or postgres://user@host:port/database.`,
    );
  }
  return { kind: 'sqlite', path: resolve(url) };
}
