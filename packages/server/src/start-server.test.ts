import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SlipwayClient, isApiError } from '@slipway/api';
import { isUserError } from '@slipway/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadServerConfig } from './config/load-server-config.js';
import { startServer } from './start-server.js';
import { gitRepository, serverFixture, TWO_TASKS } from './testing/server-fixture.js';

describe('startServer', () => {
  let dir: string;
  let repo: Awaited<ReturnType<typeof gitRepository>>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-start-'));
    repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await repo.remove();
  });

  it('shows the admin token on the first start only, and keeps the data across restarts', async () => {
    const config = await loadServerConfig({
      flags: { dataDir: dir, port: 0, logLevel: 'silent' },
      env: {},
    });
    const first = await startServer(config);
    let token: string;
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.database).toBe(`SQLite at ${join(dir, 'slipway.db')}`);
      token = first.adminToken ?? '';
      expect(token).toMatch(/^slw_/);
      const client = new SlipwayClient({ baseUrl: first.url, token });
      expect(await client.readiness()).toEqual({ status: 'ready' });
      await client.createProject({ name: 'kept', source: repo.dir });
    } finally {
      await first.close();
    }

    const second = await startServer(config, {
      extraTokens: ['slw_embedded'],
      localAdminTokens: ['slw_local_admin'],
    });
    try {
      expect(second.adminToken).toBeNull();
      const admin = new SlipwayClient({ baseUrl: second.url, token });
      expect((await admin.listProjects()).map((p) => p.name)).toEqual(['kept']);
      const embedded = new SlipwayClient({ baseUrl: second.url, token: 'slw_embedded' });
      expect(await embedded.registerAgent({ name: 'a', labels: [], capacity: 1 })).toEqual({
        agentId: expect.any(String) as unknown,
      });
      const notAgentWork: unknown = await embedded.listProjects().catch((error: unknown) => error);
      expect(isApiError(notAgentWork, 'forbidden')).toBe(true);
      const local = new SlipwayClient({ baseUrl: second.url, token: 'slw_local_admin' });
      await local.createProject({ name: 'made-locally', source: repo.dir });
      expect((await local.listProjects()).map((p) => p.name)).toEqual(['kept', 'made-locally']);
      const stranger = new SlipwayClient({ baseUrl: second.url, token: 'slw_guess' });
      const refused: unknown = await stranger.listProjects().catch((error: unknown) => error);
      expect(isApiError(refused, 'unauthorized')).toBe(true);
    } finally {
      await second.close();
    }
  });
});

describe('startServer with a changed secret key', () => {
  let dir: string;
  let repo: Awaited<ReturnType<typeof gitRepository>>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-start-'));
    repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await repo.remove();
  });

  const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
  const configWith = (secretKey: string | undefined) =>
    loadServerConfig({
      flags: { dataDir: dir, port: 0, logLevel: 'silent', secretKey },
      env: {},
    });

  it('refuses to start, saying why, when its key does not decrypt the stored secrets', async () => {
    const first = await startServer(await configWith(key(1)));
    try {
      const client = new SlipwayClient({ baseUrl: first.url, token: first.adminToken ?? '' });
      await client.createProject({ name: 'shop', source: repo.dir });
      await client.putSecret('shop', 'DEPLOY_TOKEN', 's3cret');
    } finally {
      await first.close();
    }

    const refused: unknown = await startServer(await configWith(key(2))).catch(
      (error: unknown) => error,
    );
    expect(isUserError(refused)).toBe(true);
    expect((refused as Error).message).toMatch(
      /^the secret key \(SLIPWAY_SECRET_KEY\) cannot decrypt the secrets in the database \(such as DEPLOY_TOKEN of project shop\): they were stored with another key\. Start the server with the key they were stored with/,
    );

    const again = await startServer(await configWith(key(1)));
    await again.close();
  });

  it('names the key file when the key came from one', async () => {
    const first = await startServer(await configWith(undefined));
    try {
      const client = new SlipwayClient({ baseUrl: first.url, token: first.adminToken ?? '' });
      await client.createProject({ name: 'shop', source: repo.dir });
      await client.putSecret('shop', 'DEPLOY_TOKEN', 's3cret');
    } finally {
      await first.close();
    }
    await writeFile(join(dir, 'secret.key'), `${key(7)}\n`);
    const refused: unknown = await startServer(await configWith(undefined)).catch(
      (error: unknown) => error,
    );
    expect((refused as Error).message).toContain(
      `the secret key (the key file ${join(dir, 'secret.key')}) cannot decrypt`,
    );
  });
});

describe('readiness', () => {
  it('answers 503 when the store cannot be reached', async () => {
    const server = await serverFixture({}, { startScheduler: false });
    try {
      await server.store.close();
      const response = await server.app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({
        error: { code: 'unavailable', message: 'the store is not reachable' },
      });
    } finally {
      await server.close().catch(() => undefined);
    }
  });
});
