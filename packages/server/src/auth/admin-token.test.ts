import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError, type ControlStore } from '@slipway/core';
import { openControlStore } from '@slipway/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, ensureAdminToken, hashToken } from './admin-token.js';

describe('ensureAdminToken', () => {
  let dir: string;
  let store: ControlStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-token-'));
    store = await openControlStore('sqlite::memory:');
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('makes an admin token once and keeps only its hash, in the store', async () => {
    const token = await ensureAdminToken(store, dir, 1000);
    expect(token).toMatch(/^slw_[\w-]{43}$/);
    const stored = await store.findTokenByHash(hashToken(token ?? ''));
    expect(stored).toMatchObject({ admin: true, kind: 'user', user: 'admin', createdAt: 1000 });
    expect(JSON.stringify(await store.listTokens())).not.toContain(token);
    expect(await ensureAdminToken(store, dir, 2000)).toBeNull();
    expect(await store.listTokens()).toHaveLength(1);
  });

  it('makes one token when servers start at once', async () => {
    const made = await Promise.all([1, 2, 3].map(() => ensureAdminToken(store, dir, 1000)));
    expect(made.filter((t) => t !== null)).toHaveLength(1);
  });

  it("moves an earlier version's admin token file into the store, once", async () => {
    await writeFile(join(dir, ADMIN_TOKEN_FILE), `${hashToken('slw_earlier')}\n`);
    expect(await ensureAdminToken(store, dir, 1000)).toBeNull();
    expect(await store.findTokenByHash(hashToken('slw_earlier'))).toMatchObject({ admin: true });
    expect(await readdir(dir)).toEqual([]);
    expect(await ensureAdminToken(store, dir, 2000)).toBeNull();
    expect(await store.listTokens()).toHaveLength(1);
  });

  it('refuses a token file that holds no hash as a user error', async () => {
    await writeFile(join(dir, ADMIN_TOKEN_FILE), 'not a hash\n');
    await expect(ensureAdminToken(store, dir, 1000)).rejects.toBeInstanceOf(UserError);
  });
});
