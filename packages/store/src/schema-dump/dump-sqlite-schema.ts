import { sql } from 'kysely';
import { SQLITE_MEMORY, SqliteControlStore } from '../sqlite-control-store.js';
import { formatStatement, SCHEMA_DUMP_HEADER } from './format-statement.js';

/** The SQLite schema the migrations produce, as `CREATE` statements in creation order. */
export async function dumpSqliteSchema(): Promise<string> {
  const store = await SqliteControlStore.open(SQLITE_MEMORY);
  try {
    const { rows } = await sql<{ sql: string }>`
      select sql from sqlite_master
      where sql is not null and name not like 'kysely_%' and name not like 'sqlite_%'
      order by rowid`.execute(store.db);
    return SCHEMA_DUMP_HEADER + rows.map((row) => `${formatStatement(row.sql)};\n`).join('\n');
  } finally {
    await store.close();
  }
}
