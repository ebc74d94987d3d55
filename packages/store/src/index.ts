export { openControlStore, type OpenControlStoreOptions } from './open-control-store.js';
export { describeStoreUrl, parseStoreUrl, type StoreLocation } from './parse-store-url.js';
export { SqlControlStore } from './sql-control-store.js';
export {
  SqliteControlStore,
  SqliteSync,
  SQLITE_MEMORY,
  type SqliteStoreOptions,
} from './sqlite-control-store.js';
export { PostgresControlStore, type PostgresStoreOptions } from './postgres-control-store.js';
export type { StoreDatabase } from './database.js';
