import { afterAll, describe, expect, it } from 'vitest';
import { CommitSync, UserError } from '@slipway/core';
import { describeControlStoreContract } from '@slipway/testing';
import { sql } from 'kysely';
import { postgresDialect } from './dialect/postgres-dialect.js';
import { openControlStore } from './open-control-store.js';
import { PostgresControlStore } from './postgres-control-store.js';
import { PostgresTestSchema } from './postgres-test-schema.js';

const url = process.env.SLIPWAY_TEST_PG_URL ?? '';
const reason =
  'SLIPWAY_TEST_PG_URL is not set (for example postgres://postgres@127.0.0.1:5432/test)';

if (url === '') {
  if (process.env.CI === 'true') {
    describe('PostgreSQL control store', () => {
      it('has a database to test against, as CI demands', () => {
        throw new Error(`the PostgreSQL control store cannot be tested: ${reason}`);
      });
    });
  } else {
    console.warn(`Skipping the PostgreSQL control store tests: ${reason}`);
    describe.skip(`PostgreSQL control store, skipped: ${reason}`, () => {
      it('passes the control store contract', () => undefined);
    });
  }
} else {
  const schema = new PostgresTestSchema(url);
  afterAll(() => schema.drop());

  describeControlStoreContract('PostgreSQL', () => schema.open(), {
    openTwo: async () => {
      const first = await schema.open();
      const second = await schema.openKeepingData();
      return [first, second];
    },
  });

  describe('PostgreSQL control store', () => {
    it('opens through openControlStore with a postgres:// URL', async () => {
      const store = await openControlStore(url, { schema: schema.name });
      try {
        expect(await store.listProjects()).toBeInstanceOf(Array);
      } finally {
        await store.close();
      }
    });

    it('commits a transaction that may sync later without waiting for the WAL flush', async () => {
      const store = await schema.open();
      try {
        if (!(store instanceof PostgresControlStore)) throw new Error('expected PostgreSQL');
        const setting = async (db: typeof store.db) =>
          (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db)).rows[0]
            ?.synchronous_commit;
        const later = await postgresDialect.writeTransaction(store.db, setting, CommitSync.Later);
        const now = await postgresDialect.writeTransaction(store.db, setting, CommitSync.Now);
        expect([later, now, await setting(store.db)]).toEqual(['off', 'on', 'on']);
      } finally {
        await store.close();
      }
    });

    it('reads times as numbers and keeps data across opening again', async () => {
      const first = await schema.open();
      const project = await first.createProject({
        name: 'kept',
        source: '/x',
        defaultBranch: 'main',
      });
      await first.close();
      const second = await schema.openKeepingData();
      try {
        const found = await second.findProject(project.id);
        expect(found).toEqual(project);
        expect(typeof found?.createdAt).toBe('number');
      } finally {
        await second.close();
      }
    });

    it('refuses a schema name that would need quoting as a user error', async () => {
      await expect(
        PostgresControlStore.open(url, { schema: 'Robert"); drop table runs' }),
      ).rejects.toBeInstanceOf(UserError);
    });

    it('reports a server that cannot be reached as a user error without the password', async () => {
      const error: unknown = await PostgresControlStore.open(
        'postgres://someone:secret@127.0.0.1:1/nothing',
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).not.toContain('secret');
    });
  });
}
