import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';

/** Every migration by name, applied in name order. Add new ones at the end. */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
};

/** Hands Kysely's migrator the migrations above; nothing is read from disk. */
export const staticMigrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};
