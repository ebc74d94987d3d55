import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@slipway/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSecretKey } from './load-secret-key.js';

describe('loadSecretKey', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the configured key and makes no file', async () => {
    const key = randomBytes(32);
    expect(
      Buffer.from(await loadSecretKey({ dataDir: dir, secretKey: key.toString('base64') })),
    ).toEqual(key);
    await expect(stat(join(dir, 'secret.key'))).rejects.toThrow();
  });

  it('makes a key file readable only by its owner on first start and reads it later', async () => {
    const first = await loadSecretKey({ dataDir: dir });
    expect(first).toHaveLength(32);
    const file = join(dir, 'secret.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(Buffer.from(first).toString('base64'));
    expect(await loadSecretKey({ dataDir: dir })).toEqual(first);
  });

  it('uses the configured key file, making its folder', async () => {
    const file = join(dir, 'keys', 'slipway.key');
    const key = await loadSecretKey({ dataDir: join(dir, 'data'), secretKeyFile: file });
    expect(Buffer.from(await readFile(file, 'utf8'), 'base64')).toEqual(Buffer.from(key));
  });

  it('gives one key to processes starting at once', async () => {
    const keys = await Promise.all(
      Array.from({ length: 5 }, () => loadSecretKey({ dataDir: dir })),
    );
    for (const key of keys) expect(key).toEqual(keys[0]);
  });

  it('refuses keys of the wrong form as user errors', async () => {
    await expect(loadSecretKey({ dataDir: dir, secretKey: 'c2hvcnQ=' })).rejects.toThrow(
      /SLIPWAY_SECRET_KEY must hold 32 random bytes, base64-encoded/,
    );
    await writeFile(join(dir, 'secret.key'), 'not base64 at all!');
    await expect(loadSecretKey({ dataDir: dir })).rejects.toBeInstanceOf(UserError);
  });

  it('says which key file cannot be made, as a user error', async () => {
    const file = '/proc/slipway-nope/slipway.key';
    const failure = loadSecretKey({ dataDir: dir, secretKeyFile: file });
    await expect(failure).rejects.toBeInstanceOf(UserError);
    await expect(failure).rejects.toThrow(`cannot make the folder of the secret key file ${file}`);
  });
});
