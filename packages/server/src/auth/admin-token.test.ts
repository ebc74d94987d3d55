import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, ensureAdminToken, hashToken, tokenMatches } from './admin-token.js';

describe('ensureAdminToken', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-token-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes a token once and keeps only its hash, readable by the owner alone', async () => {
    const first = await ensureAdminToken(join(dir, 'data'));
    expect(first.created).toMatch(/^slw_[\w-]{43}$/);
    const file = join(dir, 'data', ADMIN_TOKEN_FILE);
    const stored = (await readFile(file, 'utf8')).trim();
    expect(stored).toBe(hashToken(first.created ?? ''));
    expect(stored).not.toContain(first.created);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = await ensureAdminToken(join(dir, 'data'));
    expect(second).toEqual({ hash: first.hash, created: null });
    expect(tokenMatches(first.created ?? '', [second.hash])).toBe(true);
    expect(tokenMatches('slw_other', [second.hash])).toBe(false);
  });
});
