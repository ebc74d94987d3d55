import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@slipway/core';
import { describeStoreUrl, parseStoreUrl } from './parse-store-url.js';
import { SqliteSync } from './sqlite-control-store.js';

describe('parseStoreUrl', () => {
  it('reads SQLite URLs and plain paths', () => {
    const sqlite = (path: string) => ({ kind: 'sqlite', path, synchronous: SqliteSync.Full });
    expect(parseStoreUrl('sqlite::memory:')).toEqual(sqlite(':memory:'));
    expect(parseStoreUrl('sqlite:///var/lib/slipway/store.db')).toEqual(
      sqlite('/var/lib/slipway/store.db'),
    );
    expect(parseStoreUrl('sqlite:///tmp/my%20store.db')).toEqual(sqlite('/tmp/my store.db'));
    expect(parseStoreUrl('sqlite:data/store.db')).toEqual(sqlite(resolve('data/store.db')));
    expect(parseStoreUrl('/srv/store.db')).toEqual(sqlite('/srv/store.db'));
    expect(parseStoreUrl('store.db')).toEqual(sqlite(resolve('store.db')));
  });

  it('reads when SQLite should sync commits, and refuses options it does not know', () => {
    expect(parseStoreUrl('sqlite:///srv/store.db?synchronous=normal')).toEqual({
      kind: 'sqlite',
      path: '/srv/store.db',
      synchronous: SqliteSync.Normal,
    });
    expect(parseStoreUrl('store.db?synchronous=full')).toMatchObject({
      synchronous: SqliteSync.Full,
    });
    for (const url of ['store.db?synchronous=off', 'store.db?cache=shared', 'store.db?']) {
      expect(() => parseStoreUrl(url)).toThrow(/synchronous=normal/);
    }
  });

  it('reads PostgreSQL URLs', () => {
    for (const url of ['postgres://ci@db:5432/slipway', 'postgresql://ci:pw@db/slipway']) {
      expect(parseStoreUrl(url)).toEqual({ kind: 'postgres', url });
    }
  });

  it('refuses other schemes and a relative path after sqlite:// as user errors', () => {
    for (const url of ['mysql://db/slipway', 'sqlite://relative.db', '']) {
      expect(() => parseStoreUrl(url)).toThrow(UserError);
    }
  });
});

describe('describeStoreUrl', () => {
  it('names the SQLite file, or PostgreSQL’s host and database without credentials', () => {
    expect(describeStoreUrl('nope')).toBe(`SQLite at ${resolve('nope')}`);
    expect(describeStoreUrl('sqlite::memory:')).toBe('SQLite in memory');
    expect(describeStoreUrl('postgres://ci:s3cret@db:5432/slipway?sslmode=require')).toBe(
      'PostgreSQL at db:5432/slipway',
    );
  });
});
