import { Migrator, type Kysely } from 'kysely';
import type { StoreDatabase } from '../database.js';
import { staticMigrationProvider } from './migrations.js';

/**
 * Applies the pending migrations. `schema` names the PostgreSQL schema that holds the
 * store, so the migrator's bookkeeping tables are looked up there and not in another
 * schema of the same database.
 */
export async function migrateToLatest(
  db: Kysely<StoreDatabase>,
  schema: string | null,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: staticMigrationProvider,
    ...(schema === null ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} of the control store failed`, { cause: error });
  }
}
