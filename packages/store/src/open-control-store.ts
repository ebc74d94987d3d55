import type { ControlStore } from '@slipway/core';
import { parseStoreUrl } from './parse-store-url.js';
import { PostgresControlStore, type PostgresStoreOptions } from './postgres-control-store.js';
import { SqliteControlStore } from './sqlite-control-store.js';

/** Options of {@link openControlStore}; they apply to PostgreSQL only. */
export type OpenControlStoreOptions = PostgresStoreOptions;

/**
 * Opens the control store at `url` (see {@link parseStoreUrl} for the forms) and applies
 * pending migrations. `sqlite::memory:` gives a fresh, private store, handy in tests.
 */
export async function openControlStore(
  url: string,
  options: OpenControlStoreOptions = {},
): Promise<ControlStore> {
  const location = parseStoreUrl(url);
  switch (location.kind) {
    case 'sqlite':
      return SqliteControlStore.open(location.path, { synchronous: location.synchronous });
    case 'postgres':
      return PostgresControlStore.open(location.url, options);
  }
}
