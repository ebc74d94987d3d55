import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeControlStoreContract } from '@slipway/testing';
import { CommitSync } from '@slipway/core';
import { sqliteDialect } from './dialect/sqlite-dialect.js';
import { openControlStore } from './open-control-store.js';
import { SqliteControlStore, SqliteSync } from './sqlite-control-store.js';

let folder = '';
let files = 0;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'slipway-store-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describeControlStoreContract('SQLite in memory', () => openControlStore('sqlite::memory:'));

describeControlStoreContract('SQLite file', () => {
  files += 1;
  return openControlStore(`sqlite://${join(folder, `store-${files}.db`)}`);
});

describe('SQLite control store file', () => {
  it('keeps its data across closing and opening, with the documented pragmas', async () => {
    const path = join(folder, 'nested', 'folder', 'kept.db');
    const first = await SqliteControlStore.open(path);
    const project = await first.createProject({
      name: 'kept',
      source: '/x',
      defaultBranch: 'main',
    });
    await first.close();

    const second = await SqliteControlStore.open(path);
    try {
      expect(await second.findProject('kept')).toEqual(project);
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(second.db);
      expect(journal.rows).toEqual([{ journal_mode: 'wal' }]);
      const keys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(second.db);
      expect(keys.rows).toEqual([{ foreign_keys: 1 }]);
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(second.db);
      expect(sync.rows, 'synchronous = FULL').toEqual([{ synchronous: 2 }]);
      const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(second.db);
      expect(busy.rows).toEqual([{ timeout: 5000 }]);
      const pageSize = await sql<{ page_size: number }>`pragma page_size`.execute(second.db);
      expect(pageSize.rows).toEqual([{ page_size: 16384 }]);
    } finally {
      await second.close();
    }
  });

  it('opens a file made with another page size and keeps that size', async () => {
    const path = join(folder, 'small-pages.db');
    const made = new Database(path);
    made.pragma('page_size = 4096');
    made.pragma('journal_mode = WAL');
    made.exec('create table made_before (id integer primary key)');
    made.close();

    const store = await SqliteControlStore.open(path);
    try {
      const pageSize = await sql<{ page_size: number }>`pragma page_size`.execute(store.db);
      expect(pageSize.rows).toEqual([{ page_size: 4096 }]);
      await store.createProject({ name: 'small-pages', source: '/x', defaultBranch: 'main' });
      expect((await store.findProject('small-pages'))?.name).toBe('small-pages');
    } finally {
      await store.close();
    }
  });

  it('syncs commits less often when the store URL asks for it', async () => {
    const store = await openControlStore(
      `sqlite://${join(folder, 'normal.db')}?synchronous=${SqliteSync.Normal}`,
    );
    try {
      if (!(store instanceof SqliteControlStore)) throw new Error('expected a SQLite store');
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
      expect(sync.rows, 'synchronous = NORMAL').toEqual([{ synchronous: 1 }]);
    } finally {
      await store.close();
    }
  });

  it('commits a transaction that may sync later without a sync of its own, and syncs the rest', async () => {
    const store = await SqliteControlStore.open(join(folder, 'later.db'));
    const synchronous = async (db: typeof store.db) =>
      (await sql<{ synchronous: number }>`pragma synchronous`.execute(db)).rows[0]?.synchronous;
    try {
      for (const [syncsEveryCommit, sync, inside, after] of [
        [true, CommitSync.Later, 1, 2],
        [true, CommitSync.Now, 2, 2],
        [false, CommitSync.Later, 2, 2],
      ] as const) {
        const seen = await sqliteDialect(syncsEveryCommit).writeTransaction(
          store.db,
          synchronous,
          sync,
        );
        expect(seen, `${sync} with syncsEveryCommit ${syncsEveryCommit}`).toBe(inside);
        expect(await synchronous(store.db)).toBe(after);
      }
      await expect(
        sqliteDialect(true).writeTransaction(
          store.db,
          () => Promise.reject(new Error('rolled back')),
          CommitSync.Later,
        ),
      ).rejects.toThrow('rolled back');
      expect(await synchronous(store.db), 'FULL again after a rollback').toBe(2);
    } finally {
      await store.close();
    }
  });
});
