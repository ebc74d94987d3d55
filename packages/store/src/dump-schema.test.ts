import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { dumpPostgresSchema } from './schema-dump/dump-postgres-schema.js';
import { dumpSqliteSchema } from './schema-dump/dump-sqlite-schema.js';

const REGENERATE = 'after changing the migrations, run `node packages/store/dist/dump-schema.js`';
const pgUrl = process.env.SLIPWAY_TEST_PG_URL ?? '';

function committed(name: string): Promise<string> {
  return readFile(new URL(`../schema/${name}`, import.meta.url), 'utf8');
}

describe('committed schema dumps', () => {
  it('sqlite.sql is what the migrations produce', async () => {
    expect(await dumpSqliteSchema(), REGENERATE).toBe(await committed('sqlite.sql'));
  });

  it.skipIf(pgUrl === '')(
    'postgres.sql is what the migrations produce (needs SLIPWAY_TEST_PG_URL)',
    async () => {
      expect(await dumpPostgresSchema(pgUrl), REGENERATE).toBe(await committed('postgres.sql'));
    },
  );
});
