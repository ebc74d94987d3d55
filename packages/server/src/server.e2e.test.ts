import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { isApiError, SlipwayClient, type ClaimedAttempt } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { gitRepository, serverFixture, TWO_TASKS } from './testing/server-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(
  options: Parameters<typeof serverFixture>[1] = {},
  config: Parameters<typeof serverFixture>[0] = {},
  pipeline = TWO_TASKS,
) {
  const server = await serverFixture(config, options);
  cleanups.push(() => server.close());
  const repo = await gitRepository({ '.slipway.yml': pipeline });
  cleanups.push(() => repo.remove());
  const url = await server.listen();
  const client = new SlipwayClient({ baseUrl: url, token: server.token });
  return { server, repo, client };
}

async function claimOne(client: SlipwayClient, agentId: string): Promise<ClaimedAttempt> {
  const { attempts } = await client.claim({ agentId, labels: [], free: 1, waitMs: 5_000 });
  const [attempt] = attempts;
  if (!attempt || attempts.length !== 1)
    throw new Error(`expected one attempt, got ${attempts.length}`);
  return attempt;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const give = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > give) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the control plane end to end', () => {
  it('runs a two-task pipeline for an agent speaking the protocol', async () => {
    const testReadsBuild = TWO_TASKS.replace(
      '    needs: [build]\n',
      '    needs: [build]\n    env:\n      BUILD_STATUS: ${{ tasks.build.status }}\n',
    );
    const { repo, client } = await setUp({}, {}, testReadsBuild);
    await client.createProject({ name: 'shop', source: repo.dir });
    const run = await client.createRun('shop');
    expect(run.status).toBe('running');

    const { agentId } = await client.registerAgent({ name: 'test', labels: [], capacity: 2 });

    // build first: test needs it.
    const build = await claimOne(client, agentId);
    expect(build).toMatchObject({
      runId: run.id,
      taskId: 'build',
      attempt: 1,
      run: { pipeline: 'ci', trigger: { branch: 'main', commit: repo.commit } },
      project: { source: repo.dir, commit: repo.commit },
      secrets: {},
    });
    expect(build.task.steps.map((s) => s.run)).toEqual(['echo building']);
    expect(build.leaseMs).toBeGreaterThan(0);

    const nothing = await client.claim({ agentId, labels: [], free: 1, waitMs: 0 });
    expect(nothing.attempts).toEqual([]);

    const beat = await client.heartbeat({ agentId, attemptIds: [build.attemptId, 'unknown'] });
    expect(beat.answers).toEqual({
      [build.attemptId]: { status: 'ok' },
      unknown: { status: 'gone' },
    });

    await client.sendLogs({
      agentId,
      chunks: [
        {
          attemptId: build.attemptId,
          step: 0,
          seq: 0,
          stream: 'stdout',
          text: 'building\n',
          at: 1,
        },
        { attemptId: build.attemptId, step: 0, seq: 1, stream: 'stderr', text: 'warn\n', at: 2 },
      ],
    });

    // A claim waiting when build finishes is answered with test.
    const waiting = claimOne(client, agentId);
    const finished = await client.finish({
      agentId,
      attemptId: build.attemptId,
      outcome: 'succeeded',
      results: {},
      error: null,
    });
    expect(finished).toEqual({ accepted: true });
    const test = await waiting;
    expect(test).toMatchObject({ taskId: 'test', attempt: 1 });
    // Only a task whose env holds an expression gets the context its expressions read.
    expect(build.context).toBeUndefined();
    expect(test.context?.tasks).toEqual({ build: { status: 'succeeded', results: {} } });

    await client.sendLogs({
      agentId,
      chunks: [
        { attemptId: test.attemptId, step: 0, seq: 0, stream: 'stdout', text: 'testing\n', at: 3 },
      ],
    });
    await client.finish({
      agentId,
      attemptId: test.attemptId,
      outcome: 'succeeded',
      results: {},
      error: null,
    });

    const detail = await until(
      () => client.getRun(run.id),
      (d) => d.run.status === 'succeeded',
    );
    expect(detail.run.status).toBe('succeeded');
    expect(detail.run.finishedAt).not.toBeNull();
    expect(detail.tasks.map((t) => [t.taskId, t.status, t.attempt])).toEqual([
      ['build', 'succeeded', 1],
      ['test', 'succeeded', 1],
    ]);

    const logs = await client.readTaskLogs(run.id, 'build');
    expect(logs.chunks.map((c) => [c.stream, c.text])).toEqual([
      ['stdout', 'building\n'],
      ['stderr', 'warn\n'],
    ]);
    expect(logs.next).toBe(1);
    expect((await client.readTaskLogs(run.id, 'build', { after: 0 })).chunks).toHaveLength(1);
    expect((await client.readTaskLogs(run.id, 'test')).chunks.map((c) => c.text)).toEqual([
      'testing\n',
    ]);

    const listed = await client.listRuns({ project: 'shop' });
    expect(listed.runs.map((r) => [r.number, r.status])).toEqual([[1, 'succeeded']]);

    // A settled attempt cannot be finished again.
    expect(
      await client.finish({
        agentId,
        attemptId: build.attemptId,
        outcome: 'failed',
        results: {},
        error: 'late',
      }),
    ).toEqual({ accepted: false });
  });

  it('hands the next task to the agent in the answer to the result that queued it', async () => {
    const { repo, client } = await setUp();
    await client.createProject({ name: 'shop', source: repo.dir });
    const run = await client.createRun('shop');
    const { agentId } = await client.registerAgent({ name: 'test', labels: [], capacity: 1 });
    const build = await claimOne(client, agentId);

    const end = (attemptId: string) => ({
      agentId,
      attemptId,
      outcome: 'succeeded' as const,
      results: {},
      error: null,
    });
    const built = await client.finish({ ...end(build.attemptId), claim: { labels: [], free: 1 } });
    expect(built.accepted).toBe(true);
    expect(built.attempts?.map((a) => [a.runId, a.taskId, a.attempt])).toEqual([
      [run.id, 'test', 1],
    ]);
    expect(built.attempts?.[0]).toMatchObject({ project: { commit: repo.commit }, secrets: {} });
    expect((await client.getRun(run.id)).tasks.map((t) => [t.taskId, t.status])).toEqual([
      ['build', 'succeeded'],
      ['test', 'running'],
    ]);

    const tested = await client.finish({
      ...end(built.attempts?.[0]?.attemptId ?? ''),
      claim: { labels: [], free: 1 },
    });
    expect(tested).toEqual({ accepted: true, attempts: [] });
    expect((await client.getRun(run.id)).run.status).toBe('succeeded');
    // Without a claim the answer holds no attempts.
    expect(await client.finish(end(build.attemptId))).toEqual({ accepted: false });
  });

  it('lists the runs of one branch', async () => {
    const { repo, client } = await setUp({ startScheduler: false });
    await promisify(execFile)('git', ['-C', repo.dir, 'branch', 'fix/cart']);
    await client.createProject({ name: 'shop', source: repo.dir });
    const first = await client.createRun('shop', { ref: 'fix/cart' });
    await client.createRun('shop');
    const second = await client.createRun('shop', { ref: 'fix/cart' });

    const onFix = await client.listRuns({ project: 'shop', branch: 'fix/cart' });
    expect(onFix.runs.map((r) => r.id)).toEqual([second.id, first.id]);
    const older = await client.listRuns({ project: 'shop', branch: 'fix/cart', before: 3 });
    expect(older.runs.map((r) => r.id)).toEqual([first.id]);
    expect((await client.listRuns({ project: 'shop', branch: 'main' })).runs).toHaveLength(1);
    expect((await client.listRuns({ branch: 'nowhere' })).runs).toEqual([]);
    const bad = await client.listRuns({ branch: 'two words' }).catch((e: unknown) => e);
    expect(isApiError(bad) && [bad.status, bad.message]).toEqual([400, expect.any(String)]);
  });

  it('refuses a finish that comes after the lease lapsed, and retries per policy', async () => {
    let now = Date.UTC(2025, 0, 1);
    const { server, repo, client } = await setUp(
      { now: () => now, startScheduler: false },
      { leaseMs: 10_000 },
      TWO_TASKS.replace('  build:\n', '  build:\n    retries: { count: 1, backoff: 5s }\n'),
    );
    await client.createProject({ name: 'shop', source: repo.dir });
    const run = await client.createRun('shop');
    const { agentId } = await client.registerAgent({ name: 'slow', labels: [], capacity: 1 });
    const build = await claimOne(client, agentId);

    now += 10_001;
    const pass = await server.scheduler.runOnce();
    expect(pass).toMatchObject({ leader: true, expired: 1, outcomes: 1 });

    const beat = await client.heartbeat({ agentId, attemptIds: [build.attemptId] });
    expect(beat.answers[build.attemptId]).toEqual({ status: 'gone' });
    const late = await client.finish({
      agentId,
      attemptId: build.attemptId,
      outcome: 'succeeded',
      results: {},
      error: null,
    });
    expect(late).toEqual({ accepted: false });

    const waiting = await client.getRun(run.id);
    expect(waiting.run.status).toBe('running');
    expect(waiting.tasks[0]).toMatchObject({ status: 'pending', attempt: 1 });
    expect(waiting.tasks[0]?.reason).toMatch(
      /^attempt 1 failed: .*stopped renewing its lease; retrying$/,
    );

    // The backoff has not passed: nothing to claim yet.
    expect((await client.claim({ agentId, labels: [], free: 1, waitMs: 0 })).attempts).toEqual([]);
    now += 5_000;
    expect(await server.scheduler.runOnce()).toMatchObject({ woken: 1 });
    const retry = await claimOne(client, agentId);
    expect(retry).toMatchObject({ taskId: 'build', attempt: 2 });

    // The second attempt's lease lapses too: no retries are left.
    now += 10_001;
    await server.scheduler.runOnce();
    const detail = await client.getRun(run.id);
    expect(detail.run.status).toBe('failed');
    expect(detail.tasks.map((t) => [t.taskId, t.status, t.attempt])).toEqual([
      ['build', 'lost', 2],
      ['test', 'skipped', 0],
    ]);
    expect(detail.tasks[1]?.reason).toBe('needed task build was lost');
  });

  it('times a run out on the server when its deadline passes', async () => {
    let now = Date.UTC(2025, 0, 1);
    const { server, repo, client } = await setUp(
      { now: () => now, startScheduler: false },
      { leaseMs: 600_000 },
      `timeout: 1m\n${TWO_TASKS}`,
    );
    await client.createProject({ name: 'shop', source: repo.dir });
    const run = await client.createRun('shop');
    const { agentId } = await client.registerAgent({ name: 'a', labels: [], capacity: 1 });
    const build = await claimOne(client, agentId);

    now += 60_000;
    expect(await server.scheduler.runOnce()).toMatchObject({ woken: 1 });
    const beat = await client.heartbeat({ agentId, attemptIds: [build.attemptId] });
    expect(beat.answers[build.attemptId]).toEqual({ status: 'stop', mode: 'cancel' });

    await client.finish({
      agentId,
      attemptId: build.attemptId,
      outcome: 'cancelled',
      results: {},
      error: 'stopped',
    });
    await server.scheduler.runOnce();
    const detail = await client.getRun(run.id);
    expect(detail.run.status).toBe('timed_out');
    expect(detail.tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('answers an empty claim after waitMs and releases waiting claims on close', async () => {
    const { server, client } = await setUp();
    const { agentId } = await client.registerAgent({ name: 'idle', labels: [], capacity: 1 });
    const started = Date.now();
    expect((await client.claim({ agentId, labels: [], free: 1, waitMs: 200 })).attempts).toEqual(
      [],
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    const waiting = client.claim({ agentId, labels: [], free: 1, waitMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = Date.now();
    await server.app.close();
    expect((await waiting).attempts).toEqual([]);
    expect(Date.now() - closing).toBeLessThan(5_000);
  });
});
