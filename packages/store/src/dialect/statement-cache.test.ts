import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.js';

describe('withStatementCache', () => {
  it('prepares each SQL text once, keeping the most recently used', () => {
    const database = new Database(':memory:');
    const cached = withStatementCache(database, 2);
    const select1 = cached.prepare('select 1 as n');
    expect(cached.prepare('select 1 as n')).toBe(select1);
    const select2 = cached.prepare('select 2 as n');
    expect(cached.prepare('select 1 as n')).toBe(select1);
    cached.prepare('select 3 as n');
    expect(cached.prepare('select 1 as n')).toBe(select1);
    expect(cached.prepare('select 2 as n')).not.toBe(select2);
    expect(select1.all([])).toEqual([{ n: 1 }]);
    cached.close();
    expect(database.open).toBe(false);
  });

  it('runs a reused statement against a changed schema', () => {
    const database = new Database(':memory:');
    const cached = withStatementCache(database);
    cached.prepare('create table t (a integer)').run([]);
    cached.prepare('insert into t values (?)').run([1]);
    const select = 'select * from t';
    expect(cached.prepare(select).all([])).toEqual([{ a: 1 }]);
    cached.prepare('alter table t add column b text').run([]);
    expect(cached.prepare(select).all([])).toEqual([{ a: 1, b: null }]);
    cached.close();
  });
});
