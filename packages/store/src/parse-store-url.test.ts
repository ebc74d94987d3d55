import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@slipway/core';
import { parseStoreUrl } from './parse-store-url.js';

describe('parseStoreUrl', () => {
  it('reads SQLite URLs and plain paths', () => {
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl('sqlite:///var/lib/slipway/store.db')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/slipway/store.db',
    });
    expect(parseStoreUrl('sqlite:///tmp/my%20store.db')).toEqual({
      kind: 'sqlite',
      path: '/tmp/my store.db',
    });
    expect(parseStoreUrl('sqlite:data/store.db')).toEqual({
      kind: 'sqlite',
      path: resolve('data/store.db'),
    });
    expect(parseStoreUrl('/srv/store.db')).toEqual({ kind: 'sqlite', path: '/srv/store.db' });
    expect(parseStoreUrl('store.db')).toEqual({ kind: 'sqlite', path: resolve('store.db') });
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
