import { Migrator, type Kysely, type MigrationProvider } from 'kysely';
import type { StoreDatabase } from '../database.js';
import { staticMigrationProvider } from './migrations.js';

/**
 * Applies the pending migrations. `schema` names the PostgreSQL schema that holds the
 * store, so the migrator's bookkeeping tables are looked up there and not in another
 * schema of the same database.
 *
 * Numbers may have gaps, and a migration numbered below one applied already is applied
 * too (migrations made on separate branches are merged in any order); each migration
 * touches only its own tables and columns, so their order between branches does not
 * matter.
 */
export async function migrateToLatest(
  db: Kysely<StoreDatabase>,
  schema: string | null,
  provider: MigrationProvider = staticMigrationProvider,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    allowUnorderedMigrations: true,
    ...(schema === null ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} of the control store failed`, { cause: error });
  }
}
