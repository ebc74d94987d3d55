import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, HttpAgentConnection } from '@slipway/agent';
import { isApiError, SlipwayClient, type RunDetail } from '@slipway/api';
import { systemClock } from '@slipway/core';
import { ProcessExecutor } from '@slipway/executors';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './testing/protocol-steps.js';
import { gitRepository, serverFixture } from './testing/server-fixture.js';

const RELEASE = `name: release
tasks:
  build:
    steps: [echo building]
  approve:
    needs: build
    approval:
      message: Deploy to prod?
      approvers: [ana, admin]
  deploy:
    needs: approve
    env:
      APPROVER: \${{ tasks.approve.results.approved_by }}
      WHY: \${{ tasks.approve.results.comment }}
    steps:
      - echo "deploying, approved by $APPROVER ($WHY)"
`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(pipeline: string) {
  const server = await serverFixture();
  cleanups.push(() => server.close());
  const repo = await gitRepository({ '.slipway.yml': pipeline });
  cleanups.push(() => repo.remove());
  const url = await server.listen();
  const admin = new SlipwayClient({ baseUrl: url, token: server.token });
  await admin.createProject({ name: 'shop', source: repo.dir });
  const as = async (user: string, role: 'viewer' | 'developer') => {
    const { token } = await admin.createToken({ name: user, user });
    await admin.setRole('shop', user, role);
    return new SlipwayClient({ baseUrl: url, token });
  };
  const startAgent = async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'slipway-agent-'));
    const agent = new Agent({
      connection: new HttpAgentConnection({ server: url, token: server.token }),
      name: 'approvals-test',
      labels: [],
      capacity: 2,
      workDir,
      executors: { process: new ProcessExecutor() },
      clock: systemClock,
      heartbeatMs: 1_000,
      logFlushMs: 20,
      claimWaitMs: 200,
      baseEnv: { PATH: process.env.PATH ?? '' },
    });
    await agent.start();
    // Stopped after the server has closed: an agent stopping mid-claim leaves a half-sent
    // request the server would wait on.
    cleanups.unshift(async () => {
      await agent.stop({ graceMs: 1_000 });
      await rm(workDir, { recursive: true, force: true });
    });
  };
  return { admin, as, startAgent };
}

async function refusal(call: Promise<unknown>): Promise<string> {
  const error: unknown = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isApiError(error)) throw new Error(`expected an API error, got ${String(error)}`);
  return `${error.status} ${error.code}: ${error.message}`;
}

const taskOf = (detail: RunDetail, id: string) => {
  const task = detail.tasks.find((t) => t.taskId === id);
  if (!task) throw new Error(`no task ${id}`);
  return task;
};

function settledRun(client: SlipwayClient, runId: string): Promise<RunDetail> {
  return until(
    () => client.getRun(runId),
    (d) => ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(d.run.status),
  );
}

function waitingRun(client: SlipwayClient, runId: string): Promise<RunDetail> {
  return until(
    () => client.getRun(runId),
    (d) => d.run.status === 'waiting',
  );
}

describe('approval tasks on the server', () => {
  it('waits for an approver, refuses others, and runs the next task with who approved', async () => {
    const { admin, as, startAgent } = await setUp(RELEASE);
    const viewer = await as('vic', 'viewer');
    const outsider = await as('dev', 'developer');
    const ana = await as('ana', 'developer');

    const run = await admin.createRun('shop');
    expect(await refusal(ana.approveTask(run.id, 'approve'))).toBe(
      `409 conflict: task "approve" of run ${run.id} does not await a decision yet (it is pending): wait until the tasks it needs have finished`,
    );
    await startAgent();

    const waiting = await waitingRun(admin, run.id);
    expect(waiting.run.status).toBe('waiting');
    expect(taskOf(waiting, 'build').status).toBe('succeeded');
    expect(taskOf(waiting, 'deploy').status).toBe('pending');
    expect(taskOf(waiting, 'approve')).toMatchObject({
      status: 'waiting',
      attempt: 0,
      attemptId: null,
      approval: {
        message: 'Deploy to prod?',
        approvers: ['ana', 'admin'],
        timeoutMs: null,
        decision: null,
      },
    });

    expect(await refusal(viewer.approveTask(run.id, 'approve'))).toMatch(/^403 forbidden/);
    expect(await refusal(outsider.approveTask(run.id, 'approve', 'fine by me'))).toBe(
      `403 forbidden: only ana, admin may decide task "approve" of run ${run.id}, and you are dev: ask one of them`,
    );
    expect(await refusal(ana.approveTask(run.id, 'deploy'))).toMatch(
      /^409 conflict: task "deploy" of run .* is not an approval task/,
    );
    expect(await refusal(ana.approveTask(run.id, 'nope'))).toBe(
      `404 not_found: run ${run.id} has no task "nope"; its approval task is approve`,
    );
    expect(await refusal(ana.approveTask('no-such-run', 'approve'))).toMatch(/^404 not_found/);

    const approved = await ana.approveTask(run.id, 'approve', 'ship it');
    expect(approved).toMatchObject({
      taskId: 'approve',
      status: 'succeeded',
      results: { approved_by: 'ana', comment: 'ship it' },
      approval: { decision: { decision: 'approve', by: 'ana', comment: 'ship it' } },
    });
    expect(await refusal(admin.rejectTask(run.id, 'approve', 'too late'))).toBe(
      `409 conflict: task "approve" of run ${run.id} was already approved by ana; a decision cannot be changed`,
    );

    const done = await settledRun(admin, run.id);
    expect(done.run.status).toBe('succeeded');
    expect(taskOf(done, 'approve').approval?.decision).toEqual({
      decision: 'approve',
      by: 'ana',
      comment: 'ship it',
      at: expect.any(Number) as number,
    });
    const logs = await admin.readTaskLogs(run.id, 'deploy');
    expect(logs.chunks.map((c) => c.text).join('')).toContain(
      'deploying, approved by ana (ship it)',
    );
  });

  it('fails the run when the approval is rejected, and skips what needed it', async () => {
    const { admin, startAgent } = await setUp(RELEASE);
    await startAgent();
    const run = await admin.createRun('shop');
    await waitingRun(admin, run.id);
    const rejected = await admin.rejectTask(run.id, 'approve', 'not on a Friday');
    expect(rejected).toMatchObject({
      status: 'failed',
      reason: 'rejected by admin: not on a Friday',
    });
    const done = await settledRun(admin, run.id);
    expect(done.run.status).toBe('failed');
    expect(taskOf(done, 'deploy')).toMatchObject({
      status: 'skipped',
      reason: 'needed task approve failed',
    });
    expect(taskOf(done, 'approve').approval?.decision).toMatchObject({
      decision: 'reject',
      by: 'admin',
      comment: 'not on a Friday',
    });
  });

  it('fails an approval nobody decided in time, from the scheduler loop', async () => {
    const { admin, startAgent } = await setUp(
      RELEASE.replace('    approval:\n', '    timeout: 1s\n    approval:\n'),
    );
    await startAgent();
    const run = await admin.createRun('shop');
    const done = await settledRun(admin, run.id);
    expect(done.run.status).toBe('failed');
    expect(taskOf(done, 'approve')).toMatchObject({
      status: 'failed',
      reason: 'approval timed out: no decision within 1s',
      approval: { timeoutMs: 1_000, decision: null },
    });
    expect(await refusal(admin.approveTask(run.id, 'approve'))).toMatch(
      /^409 conflict: task "approve" of run .* is failed and no longer takes a decision \(approval timed out/,
    );
  });

  it('cancels a waiting approval when the run is cancelled', async () => {
    const { admin, startAgent } = await setUp(RELEASE);
    await startAgent();
    const run = await admin.createRun('shop');
    await waitingRun(admin, run.id);
    expect((await admin.cancelRun(run.id)).status).toBe('cancelled');
    const done = await admin.getRun(run.id);
    expect(taskOf(done, 'approve')).toMatchObject({ status: 'cancelled', reason: 'run cancelled' });
  });
});
