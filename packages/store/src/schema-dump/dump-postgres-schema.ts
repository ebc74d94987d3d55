import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { PostgresControlStore } from '../postgres-control-store.js';
import { SCHEMA_DUMP_HEADER } from './format-statement.js';

interface Column {
  readonly name: string;
  readonly type: string;
  readonly not_null: boolean;
  readonly default_value: string | null;
}

/**
 * The PostgreSQL schema the migrations produce, read from the catalogs: tables with their
 * columns and constraints, then the other indexes, each sorted by name. The migrations run
 * in a temporary schema of the database at `url`, dropped afterwards.
 */
export async function dumpPostgresSchema(url: string): Promise<string> {
  const schema = `slipway_dump_${randomBytes(5).toString('hex')}`;
  const store = await PostgresControlStore.open(url, { schema, maxConnections: 1 });
  const { db } = store;
  const unqualify = (text: string): string => text.split(`${schema}.`).join('');
  try {
    const tables = await sql<{ oid: number; name: string }>`
      select c.oid::int8 as oid, c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and c.relkind = 'r' and c.relname not like 'kysely_%'
      order by c.relname`.execute(db);
    const out: string[] = [];
    for (const table of tables.rows) {
      const columns = await sql<Column>`
        select a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
          a.attnotnull as not_null, pg_get_expr(d.adbin, d.adrelid) as default_value
        from pg_attribute a
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attrelid = ${table.oid} and a.attnum > 0 and not a.attisdropped
        order by a.attnum`.execute(db);
      const constraints = await sql<{ name: string; definition: string }>`
        select conname as name, pg_get_constraintdef(oid) as definition
        from pg_constraint where conrelid = ${table.oid} order by conname`.execute(db);
      const items = [
        ...columns.rows.map(
          (c) =>
            `${c.name} ${c.type}${c.not_null ? ' NOT NULL' : ''}` +
            (c.default_value === null ? '' : ` DEFAULT ${c.default_value}`),
        ),
        ...constraints.rows.map((c) => `CONSTRAINT ${c.name} ${unqualify(c.definition)}`),
      ];
      out.push(`CREATE TABLE ${table.name} (\n${items.map((i) => `  ${i}`).join(',\n')}\n);\n`);
    }
    const indexes = await sql<{ definition: string }>`
      select pg_get_indexdef(i.indexrelid) as definition
      from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_class t on t.oid = i.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = ${schema} and t.relname not like 'kysely_%'
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
      order by c.relname`.execute(db);
    for (const index of indexes.rows) out.push(`${unqualify(index.definition)};\n`);
    return SCHEMA_DUMP_HEADER + out.join('\n');
  } finally {
    await sql`drop schema ${sql.id(schema)} cascade`.execute(db);
    await store.close();
  }
}
