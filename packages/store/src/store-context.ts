import type { Kysely } from 'kysely';
import type { StoreDatabase } from './database.js';
import type { StoreDialect } from './dialect/store-dialect.js';

/** What every query module needs: the database and how its dialect differs. */
export interface StoreContext {
  readonly db: Kysely<StoreDatabase>;
  readonly dialect: StoreDialect;
}
