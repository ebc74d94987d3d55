import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverFixture, type ServerFixture } from '../testing/server-fixture.js';

const INDEX = '<!doctype html><html><body><div id="root"></div></body></html>';

describe('the web UI at /', () => {
  let webDir: string;
  let server: ServerFixture;

  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'slipway-web-'));
    await mkdir(join(webDir, 'assets'));
    await writeFile(join(webDir, 'index.html'), INDEX);
    await writeFile(join(webDir, 'assets', 'index-abc123.js'), 'console.log("ui")');
    server = await serverFixture({ webDir }, { startScheduler: false });
  });

  afterAll(async () => {
    await server.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('serves the entry at / with a strict content security policy', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(INDEX);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('answers page paths of the UI with the entry, so a reload shows the same page', async () => {
    for (const url of ['/runs/r1', '/runs/r1/tasks/build%5Bos%3Dlinux%5D/logs', '/admin?x=1']) {
      const response = await server.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toBe(INDEX);
      expect(response.headers['content-security-policy'], url).toContain("default-src 'self'");
    }
  });

  it('serves hashed assets to be cached for good, and a missing file as a 404', async () => {
    const asset = await server.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log("ui")');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await server.app.inject({ method: 'GET', url: '/assets/gone.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('leaves /api to the API: unknown API paths still need a token and answer JSON', async () => {
    const anonymous = await server.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(anonymous.statusCode).toBe(401);
    const signed = await server.app.inject({
      method: 'GET',
      url: '/api/nothing-here',
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(signed.statusCode).toBe(404);
    expect(signed.json()).toMatchObject({ error: { code: 'not_found' } });
    const health = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const post = await server.app.inject({ method: 'POST', url: '/runs/r1' });
    expect(post.statusCode).toBe(404);
  });
});

describe('the web UI when it was not built', () => {
  it('answers / and page paths with how to build it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'slipway-web-empty-'));
    const server = await serverFixture({ webDir: empty }, { startScheduler: false });
    try {
      for (const url of ['/', '/projects/shop']) {
        const response = await server.app.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(404);
        expect(response.headers['content-type']).toMatch(/^text\/html/);
        expect(response.body).toContain('npm run build');
      }
      const api = await server.app.inject({
        method: 'GET',
        url: '/api/projects',
        headers: { authorization: `Bearer ${server.token}` },
      });
      expect(api.json()).toEqual({ projects: [] });
    } finally {
      await server.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
