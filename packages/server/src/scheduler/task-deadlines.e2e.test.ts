import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SlipwayClient, type RunDetail } from '@slipway/api';
import { Agent, HttpAgentConnection } from '@slipway/agent';
import { systemClock, type Clock } from '@slipway/core';
import { ProcessExecutor } from '@slipway/executors';
import { afterEach, describe, expect, it } from 'vitest';
import { claimOne, until } from '../testing/protocol-steps.js';
import { gitRepository, serverFixture } from '../testing/server-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const GRACE_MS = 300;

async function setUp(pipeline: string, graceMs = GRACE_MS) {
  const server = await serverFixture({ taskTimeoutGraceMs: graceMs });
  cleanups.push(() => server.close());
  const repo = await gitRepository({ '.slipway.yml': pipeline });
  cleanups.push(() => repo.remove());
  const url = await server.listen();
  const client = new SlipwayClient({ baseUrl: url, token: server.token });
  await client.createProject({ name: 'shop', source: repo.dir });
  return { server, client, url };
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

function finished(client: SlipwayClient, runId: string): Promise<RunDetail> {
  return until(
    () => client.getRun(runId),
    (d) => FINISHED.has(d.run.status),
  );
}

describe('task timeouts enforced by the server', () => {
  it('ends an attempt whose agent heartbeats past the timeout, answers it gone, and retries', async () => {
    const { client } = await setUp(`
tasks:
  hang:
    timeout: 1s
    retries: 1
    steps:
      - sleep 100
`);
    const run = await client.createRun('shop');
    const { agentId } = await client.registerAgent({ name: 'silent', labels: [], capacity: 1 });
    const beforeClaim = Date.now();
    const first = await claimOne(client, agentId);

    // A silent agent: it renews the lease and never finishes the attempt.
    const answer = await until(
      async () =>
        (await client.heartbeat({ agentId, attemptIds: [first.attemptId] })).answers[
          first.attemptId
        ],
      (a) => a?.status !== 'ok',
    );
    expect(answer).toEqual({ status: 'gone' });
    expect(Date.now() - beforeClaim).toBeGreaterThanOrEqual(1000 + GRACE_MS);

    const second = await claimOne(client, agentId);
    expect(second).toMatchObject({ taskId: 'hang', attempt: 2 });
    const detail = await client.getRun(run.id);
    expect(detail.tasks[0]).toMatchObject({ status: 'running', attempt: 2 });
    const refused = await client.finish({
      agentId,
      attemptId: first.attemptId,
      outcome: 'succeeded',
      results: {},
      error: null,
    });
    expect(refused.accepted).toBe(false);

    const ended = await finished(client, run.id);
    expect(ended.run.status).toBe('failed');
    expect(ended.tasks[0]?.status).toBe('failed');
    expect(ended.tasks[0]?.reason).toMatch(
      new RegExp(
        `^the task timed out after 1s; the server ended the attempt since agent ${agentId} had not 300ms later`,
      ),
    );
  }, 30_000);

  it('makes an agent that does not enforce the timeout kill the step', async () => {
    const work = await mkdtemp(join(tmpdir(), 'slipway-deadline-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    const pidFile = join(work, 'step.pid');
    const { client, url, server } = await setUp(
      `
tasks:
  hang:
    timeout: 1s
    steps:
      - |
        echo "$$" > "$PID_FILE"
        trap '' TERM
        sleep 100
`,
      // Room for the checkout, which the server counts in the timeout, on a busy machine.
      3_000,
    );
    const token = (await client.createToken({ name: 'agent', user: 'agent', kind: 'agent' })).token;

    // The agent's own task timer never fires, as with a wedged or old agent.
    const clock: Clock = {
      ...systemClock,
      setTimer: (delayMs, callback) =>
        delayMs === 1000 ? { cancel: () => undefined } : systemClock.setTimer(delayMs, callback),
    };
    const agent = new Agent({
      connection: new HttpAgentConnection({ server: url, token }),
      name: 'lenient',
      labels: [],
      capacity: 1,
      workDir: join(work, 'agent'),
      executors: { process: new ProcessExecutor() },
      clock,
      heartbeatMs: 100,
      logFlushMs: 20,
      killGraceMs: 200,
      baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', PID_FILE: pidFile },
      claimWaitMs: 200,
    });
    await agent.start();
    cleanups.push(() => agent.stop({ graceMs: 0 }));

    const run = await client.createRun('shop');
    const pid = await stepPid(pidFile);
    expect(pid).toBeGreaterThan(1);

    const ended = await finished(client, run.id);
    expect(ended.run.status).toBe('failed');
    expect(ended.tasks[0]?.reason).toMatch(/^the task timed out after 1s; the server ended/);
    const gone = await until(
      () => Promise.resolve(groupAlive(pid)),
      (alive) => !alive,
    );
    expect(gone, `the step's process group ${String(pid)} still runs`).toBe(false);
    expect(await server.store.listHeldAttempts(10)).toEqual([]);
  }, 60_000);
});

/** The pid the step wrote, waiting up to 30 s for the checkout and the step to start. */
async function stepPid(file: string): Promise<number> {
  const give = Date.now() + 30_000;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.trim() !== '' || Date.now() > give) return Number(text);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
