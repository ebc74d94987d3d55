import { ApiError, SlipwayClient, type ClaimedAttempt } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { gitRepository, serverFixture, TWO_TASKS } from '../testing/server-fixture.js';
import { truncationMarker } from '../logs/log-intake.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(config: Parameters<typeof serverFixture>[0] = {}) {
  const server = await serverFixture(config);
  cleanups.push(() => server.close());
  const repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
  cleanups.push(() => repo.remove());
  const client = new SlipwayClient({ baseUrl: await server.listen(), token: server.token });
  await client.createProject({ name: 'shop', source: repo.dir });
  const { agentId } = await client.registerAgent({ name: 'test', labels: [], capacity: 4 });
  return { server, client, agentId };
}

async function claimOne(client: SlipwayClient, agentId: string): Promise<ClaimedAttempt> {
  const { attempts } = await client.claim({ agentId, labels: [], free: 1, waitMs: 5_000 });
  const [attempt] = attempts;
  if (!attempt) throw new Error('no attempt was claimed');
  return attempt;
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an API error, got ${String(error)}`);
  return error;
}

const SECRET = 'tok_9f8e7d6c5b4a3210-deploy';

describe('project secrets', () => {
  it('are set, listed without values, replaced and deleted', async () => {
    const { server, client } = await setUp();
    const put = await client.putSecret('shop', 'DEPLOY_TOKEN', SECRET);
    expect(put).toEqual({ name: 'DEPLOY_TOKEN', updatedAt: expect.any(Number) as number });
    await client.putSecret('shop', 'API_KEY', 'first-value');
    await client.putSecret('shop', 'API_KEY', 'second-value');
    expect((await client.listSecrets('shop')).map((s) => s.name)).toEqual([
      'API_KEY',
      'DEPLOY_TOKEN',
    ]);

    const listed = await server.app.inject({
      method: 'GET',
      url: '/api/projects/shop/secrets',
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(listed.body).not.toContain(SECRET);
    expect(listed.body).not.toContain('second-value');

    const project = await client.getProject('shop');
    const stored = await server.store.readSecrets(project.id);
    expect(stored).toHaveLength(2);
    for (const secret of stored) {
      expect(secret.ciphertext).not.toContain(SECRET);
      expect(secret.ciphertext).not.toContain('value');
    }

    await client.deleteSecret('shop', 'API_KEY');
    expect((await client.listSecrets('shop')).map((s) => s.name)).toEqual(['DEPLOY_TOKEN']);
    expect((await rejection(client.deleteSecret('shop', 'API_KEY'))).status).toBe(404);
  });

  it('refuses names that are not environment variable names, or reserved', async () => {
    const { client } = await setUp();
    for (const name of ['MY-KEY', '1ST', 'SLIPWAY_TOKEN', 'PATH', 'LD_PRELOAD']) {
      const error = await rejection(client.putSecret('shop', name, 'value'));
      expect(error.status).toBe(400);
      expect(error.fields.map((f) => `${f.in}:${f.path}`)).toEqual(['path:name']);
    }
    expect((await rejection(client.putSecret('shop', 'EMPTY', ''))).status).toBe(400);
    const nul = await rejection(client.putSecret('shop', 'BINARY', 'a\0b'));
    expect(nul.status).toBe(400);
    expect(nul.fields.map((f) => f.message)).toEqual([expect.stringContaining('NUL byte')]);
    expect(nul.message).not.toContain('a\0b');
    expect((await rejection(client.putSecret('nothing', 'TOKEN', 'x'))).status).toBe(404);
    expect((await rejection(client.listSecrets('nothing'))).status).toBe(404);
  });

  it('are given to attempts of trusted runs only', async () => {
    const { client, agentId } = await setUp();
    await client.putSecret('shop', 'DEPLOY_TOKEN', SECRET);

    const trusted = await client.createRun('shop');
    expect(trusted.trusted).toBe(true);
    const build = await claimOne(client, agentId);
    expect(build.runId).toBe(trusted.id);
    expect(build.secrets).toEqual({ DEPLOY_TOKEN: SECRET });

    const untrusted = await client.createRun('shop', { untrusted: true });
    expect(untrusted.trusted).toBe(false);
    expect((await client.getRun(untrusted.id)).run.trusted).toBe(false);
    const forked = await claimOne(client, agentId);
    expect(forked.runId).toBe(untrusted.id);
    expect(forked.secrets).toEqual({});
  });

  it('are masked in stored logs even when the agent sends them in the clear', async () => {
    const { client, agentId } = await setUp();
    await client.putSecret('shop', 'DEPLOY_TOKEN', SECRET);
    const run = await client.createRun('shop');
    const build = await claimOne(client, agentId);
    const encoded = Buffer.from(SECRET).toString('base64');
    await client.sendLogs({
      agentId,
      chunks: [
        {
          attemptId: build.attemptId,
          step: 0,
          seq: 0,
          stream: 'stdout',
          text: `token=${SECRET}\nbase64=${encoded}\n`,
          at: 1,
        },
      ],
    });
    // A secret set after the attempt was claimed is masked too.
    await client.putSecret('shop', 'LATE_SECRET', 'late-secret-value');
    await client.sendLogs({
      agentId,
      chunks: [
        {
          attemptId: build.attemptId,
          step: 0,
          seq: 1,
          stream: 'stderr',
          text: 'late: late-secret-value\n',
          at: 2,
        },
      ],
    });
    const logs = await client.readTaskLogs(run.id, 'build');
    expect(logs.chunks.map((c) => c.text)).toEqual(['token=***\nbase64=***\n', 'late: ***\n']);
  });

  it('mask the logs of untrusted runs too, and ignore chunks of unknown attempts', async () => {
    const { client, agentId } = await setUp();
    await client.putSecret('shop', 'DEPLOY_TOKEN', SECRET);
    const run = await client.createRun('shop', { untrusted: true });
    const build = await claimOne(client, agentId);
    await client.sendLogs({
      agentId,
      chunks: [
        { attemptId: build.attemptId, step: 0, seq: 0, stream: 'stdout', text: SECRET, at: 1 },
        { attemptId: 'no-such-attempt', step: 0, seq: 0, stream: 'stdout', text: 'x', at: 1 },
      ],
    });
    expect((await client.readTaskLogs(run.id, 'build')).chunks.map((c) => c.text)).toEqual(['***']);
  });
});

describe('the per-step log limit', () => {
  it('drops output beyond the limit and stores one visible marker', async () => {
    const { client, agentId } = await setUp({ maxStepLogBytes: 2048 });
    const run = await client.createRun('shop');
    const build = await claimOne(client, agentId);
    expect(build.maxStepLogBytes, 'agents are told the limit with each attempt').toBe(2048);
    const line = `${'x'.repeat(999)}\n`;
    let seq = 0;
    const chunk = (step: number, text: string) => ({
      attemptId: build.attemptId,
      step,
      seq: seq++,
      stream: 'stdout' as const,
      text,
      at: seq,
    });
    await client.sendLogs({ agentId, chunks: [chunk(0, line), chunk(0, line)] });
    await client.sendLogs({ agentId, chunks: [chunk(0, line), chunk(1, 'next step\n')] });
    await client.sendLogs({ agentId, chunks: [chunk(0, line)] });
    // One line far longer than the limit is cut by the same rule.
    await client.sendLogs({ agentId, chunks: [chunk(2, 'y'.repeat(5000))] });

    const { chunks } = await client.readTaskLogs(run.id, 'build');
    const marker = truncationMarker(2048);
    expect(marker).toBe('[slipway] log truncated: this step printed more than 2 KiB\n');
    const step0 = chunks.filter((c) => c.step === 0).map((c) => c.text);
    expect(step0).toEqual([line, line, `${'x'.repeat(48)}\n${marker}`]);
    expect(chunks.filter((c) => c.step === 1).map((c) => c.text)).toEqual(['next step\n']);
    expect(chunks.filter((c) => c.step === 2).map((c) => c.text)).toEqual([
      `${'y'.repeat(2048)}\n${marker}`,
    ]);
  });

  it('speaks of MiB for the default limit', () => {
    expect(truncationMarker(10 * 1024 * 1024)).toBe(
      '[slipway] log truncated: this step printed more than 10 MiB\n',
    );
  });
});
