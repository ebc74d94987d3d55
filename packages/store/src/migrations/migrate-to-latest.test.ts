import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type Migration } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreDatabase } from '../database.js';
import { migrateToLatest } from './migrate-to-latest.js';
import { migrations } from './migrations.js';

let db: Kysely<StoreDatabase> | null = null;

afterEach(async () => {
  await db?.destroy();
  db = null;
});

function open(): Kysely<StoreDatabase> {
  db = new Kysely<StoreDatabase>({
    dialect: new SqliteDialect({ database: new Database(':memory:') }),
  });
  return db;
}

function provider(list: Readonly<Record<string, Migration>>) {
  return { getMigrations: () => Promise.resolve({ ...list }) };
}

async function applied(kysely: Kysely<StoreDatabase>): Promise<string[]> {
  const rows = await kysely
    .withTables<{ kysely_migration: { name: string } }>()
    .selectFrom('kysely_migration')
    .select('name')
    .orderBy('name')
    .execute();
  return rows.map((row) => row.name);
}

const marker = (table: string): Migration => ({
  async up(kysely: Kysely<unknown>) {
    await kysely.schema.createTable(table).addColumn('id', 'text').execute();
  },
});

describe('migrateToLatest', () => {
  it('applies every migration, numbers with gaps included', async () => {
    const kysely = open();
    await migrateToLatest(kysely, null);
    expect(await applied(kysely)).toEqual(Object.keys(migrations).sort());
  });

  it('applies a migration numbered below one applied already (branches merged later)', async () => {
    const kysely = open();
    const withGap = { ...migrations, '9001-later': marker('later_table') };
    await migrateToLatest(kysely, null, provider(withGap));
    const merged = { ...withGap, '9000-merged': marker('merged_table') };
    await migrateToLatest(kysely, null, provider(merged));
    expect(await applied(kysely)).toEqual(Object.keys(merged).sort());
    const tables = (await kysely.introspection.getTables()).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining(['merged_table', 'later_table', 'trigger_events']),
    );
  });

  it('has catalogs stored before params were read again, keeping their pipelines', async () => {
    const kysely = open();
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0012'));
    await migrateToLatest(kysely, null, provider(before));
    await kysely
      .insertInto('projects')
      .values({
        id: 'p1',
        name: 'shop',
        source: '/src',
        default_branch: 'main',
        run_count: 0,
        created_at: 1,
      })
      .execute();
    const pipelines = JSON.stringify([{ name: 'nightly', cron: [], completions: [] }]);
    await kysely
      .insertInto('pipeline_catalogs')
      .values({ project_id: 'p1', commit_id: 'a'.repeat(40), pipelines, read_at: 5 })
      .execute();
    await migrateToLatest(kysely, null);
    expect(await kysely.selectFrom('pipeline_catalogs').selectAll().execute()).toEqual([
      { project_id: 'p1', commit_id: '', pipelines, read_at: 5 },
    ]);
  });

  it('moves the plans of runs made before plans had a table of their own', async () => {
    const kysely = open();
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0018'));
    await migrateToLatest(kysely, null, provider(before));
    await sql`insert into projects (id, name, source, default_branch, run_count, created_at)
      values ('p1', 'shop', '/src', 'main', 1, 1)`.execute(kysely);
    await sql`insert into runs (id, project_id, number, pipeline, status, trigger, plan, state, created_at, trusted, admitted)
      values ('r1', 'p1', 1, 'build', 'running', '{}', '{"tasks":[]}', '{}', 2, 1, 1)`.execute(
      kysely,
    );
    await migrateToLatest(kysely, null);
    expect(await kysely.selectFrom('run_plans').selectAll().execute()).toEqual([
      { run_id: 'r1', plan: '{"tasks":[]}' },
    ]);
    const runs = await kysely.introspection.getTables();
    const columns = runs.find((table) => table.name === 'runs')?.columns.map((c) => c.name);
    expect(columns).toContain('state');
    expect(columns).not.toContain('plan');
  });
});
