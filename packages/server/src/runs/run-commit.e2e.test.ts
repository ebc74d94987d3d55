import { SlipwayClient } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFiles, gitRepository, serverFixture, TWO_TASKS } from '../testing/server-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp() {
  const server = await serverFixture();
  cleanups.push(() => server.close());
  const repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
  cleanups.push(() => repo.remove());
  const commit = await commitFiles(
    repo.dir,
    { 'src/cart.ts': 'export const cents = 1;\n' },
    'Total the cart in cents\n\nFloats lost a cent on large carts.',
  );
  const client = new SlipwayClient({ baseUrl: await server.listen(), token: server.token });
  await client.createProject({ name: 'shop', source: repo.dir });
  return { client, commit };
}

describe("a run's commit", () => {
  it('carries the commit message of a run started through the API, and no forge link without a forge', async () => {
    const { client, commit } = await setUp();
    const run = await client.createRun('shop', {});
    const detail = await client.getRun(run.id);
    expect(detail.run.trigger.commit).toBe(commit);
    expect(detail.run.trigger.message).toBe(
      'Total the cart in cents\n\nFloats lost a cent on large carts.',
    );
    expect(detail.commitUrl).toBeNull();
  });

  it("links to the commit at the project's forge once its forge settings are set", async () => {
    const { client, commit } = await setUp();
    const run = await client.createRun('shop', {});
    await client.putProjectWebhook('shop', { forge: 'github', secret: 'whsec-5e1f0a9c7d3b2a18' });
    expect((await client.getRun(run.id)).commitUrl).toBeNull();
    await client.putProjectForge('shop', { repository: 'acme/shop', token: 'ghp-never-used' });
    expect((await client.getRun(run.id)).commitUrl).toBe(
      `https://github.com/acme/shop/commit/${commit}`,
    );
    await client.putProjectWebhook('shop', { forge: 'gitlab', secret: 'whsec-5e1f0a9c7d3b2a18' });
    await client.putProjectForge('shop', {
      apiUrl: 'https://gitlab.example.com/api/v4',
      repository: 'group/shop',
      token: 'glpat-never-used',
    });
    expect((await client.getRun(run.id)).commitUrl).toBe(
      `https://gitlab.example.com/group/shop/-/commit/${commit}`,
    );
  });
});
