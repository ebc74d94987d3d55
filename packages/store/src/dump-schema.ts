/**
 * Writes the committed schema dumps, `packages/store/schema/sqlite.sql` and (when a
 * PostgreSQL URL is given as the first argument or in SLIPWAY_TEST_PG_URL)
 * `packages/store/schema/postgres.sql`, from what the migrations produce. Run it after
 * adding a migration: `node packages/store/dist/dump-schema.js [postgres://…]`.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dumpPostgresSchema } from './schema-dump/dump-postgres-schema.js';
import { dumpSqliteSchema } from './schema-dump/dump-sqlite-schema.js';

const folder = new URL('../schema/', import.meta.url);

const sqlitePath = fileURLToPath(new URL('sqlite.sql', folder));
await writeFile(sqlitePath, await dumpSqliteSchema());
console.log(`wrote ${sqlitePath}`);

const url = process.argv[2] ?? process.env.SLIPWAY_TEST_PG_URL ?? '';
if (url === '') {
  console.log('postgres.sql left as it is: give a PostgreSQL URL or set SLIPWAY_TEST_PG_URL');
} else {
  const postgresPath = fileURLToPath(new URL('postgres.sql', folder));
  await writeFile(postgresPath, await dumpPostgresSchema(url));
  console.log(`wrote ${postgresPath}`);
}
