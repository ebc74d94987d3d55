import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SlipwayClient } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { claimOne, until } from '../testing/protocol-steps.js';
import { gitRepository, serverFixture } from '../testing/server-fixture.js';

const run = promisify(execFile);

const PIPELINE = `name: ci
params:
  target:
    type: string
    default: staging
tasks:
  build:
    results: [version]
    steps:
      - name: compile
        run: echo building
  lint:
    steps:
      - name: lint
        run: echo linting
  test:
    needs: [build]
    env:
      VERSION: \${{ tasks.build.results.version }}
    steps:
      - name: unit
        run: echo testing
finally:
  notify:
    steps:
      - name: tell
        run: echo done
`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp() {
  const server = await serverFixture();
  cleanups.push(() => server.close());
  const repo = await gitRepository({ '.slipway.yml': PIPELINE });
  cleanups.push(() => repo.remove());
  const client = new SlipwayClient({ baseUrl: await server.listen(), token: server.token });
  await client.createProject({ name: 'shop', source: repo.dir });
  const { agentId } = await client.registerAgent({ name: 'test', labels: [], capacity: 4 });
  const finish = (attemptId: string, outcome: 'succeeded' | 'failed', results = {}) =>
    client.finish({
      agentId,
      attemptId,
      outcome,
      results,
      error: outcome === 'failed' ? 'exit 1' : null,
    });
  return { server, repo, client, agentId, finish };
}

describe('rerun and retry', () => {
  it('retries only the tasks that did not succeed, keeping the others with their outputs', async () => {
    const { client, agentId, finish } = await setUp();
    const original = await client.createRun('shop', { params: { target: 'prod' } });

    const build = await claimOne(client, agentId);
    const lint = await claimOne(client, agentId);
    expect([build.taskId, lint.taskId]).toEqual(['build', 'lint']);
    await client.sendLogs({
      agentId,
      chunks: [
        { attemptId: build.attemptId, step: 0, seq: 0, stream: 'stdout', text: 'built\n', at: 1 },
      ],
    });
    await client.sendReport({
      agentId,
      attemptId: build.attemptId,
      report: {
        suites: [
          {
            name: 'compile',
            tests: 1,
            failures: 0,
            errors: 0,
            skipped: 0,
            durationMs: 1,
            cases: [
              {
                suite: 'compile',
                name: 'types',
                classname: 'tsc',
                status: 'passed',
                durationMs: 1,
              },
            ],
          },
        ],
        totals: { tests: 1, passed: 1, failed: 0, errored: 0, skipped: 0, durationMs: 1 },
      },
    });
    await client.uploadArtifact({
      agentId,
      attemptId: build.attemptId,
      path: 'dist/app.js',
      size: 7,
      content: 'console',
    });
    await finish(build.attemptId, 'succeeded', { version: '1.2.3' });
    await finish(lint.attemptId, 'failed');
    const test = await claimOne(client, agentId);
    expect(test.taskId).toBe('test');
    await finish(test.attemptId, 'failed');
    const notify = await claimOne(client, agentId);
    await finish(notify.attemptId, 'succeeded');
    const failed = await until(
      () => client.getRun(original.id),
      (d) => d.run.status === 'failed',
    );
    expect(failed.run.status).toBe('failed');

    const retry = await client.retryRun(original.id);
    expect(retry).toMatchObject({
      number: 2,
      status: 'running',
      retryOf: original.id,
      trigger: { commit: original.trigger.commit, branch: 'main', actor: 'admin' },
    });
    expect(retry).not.toHaveProperty('rerunOf');

    const detail = await client.getRun(retry.id);
    expect(detail.plan).toEqual(failed.plan);
    expect(detail.tasks.map((t) => [t.taskId, t.status])).toEqual([
      ['build', 'succeeded'],
      ['lint', 'running'],
      ['test', 'running'],
      ['notify', 'pending'],
    ]);
    expect(detail.tasks[0]).toMatchObject({
      attemptId: build.attemptId,
      attempt: 1,
      results: { version: '1.2.3' },
      carriedFrom: original.id,
    });

    // The kept task's logs, report and artifacts are the retry's too.
    expect((await client.readTaskLogs(retry.id, 'build')).chunks.map((c) => c.text)).toEqual([
      'built\n',
    ]);
    expect((await client.listTests(retry.id)).tasks.map((t) => [t.taskId, t.totals.tests])).toEqual(
      [['build', 1]],
    );
    expect((await client.listArtifacts(retry.id)).map((a) => [a.taskId, a.path])).toEqual([
      ['build', 'dist/app.js'],
    ]);
    const download = await client.downloadArtifact(retry.id, 'build', 'dist/app.js');
    expect(await download.text()).toBe('console');

    // Only the tasks that did not succeed run again; they see the kept results.
    const again = [await claimOne(client, agentId), await claimOne(client, agentId)];
    expect(again.map((a) => [a.runId, a.taskId])).toEqual([
      [retry.id, 'lint'],
      [retry.id, 'test'],
    ]);
    expect(again[1]?.context?.tasks?.build).toEqual({
      status: 'succeeded',
      results: { version: '1.2.3' },
    });
    for (const attempt of again) await finish(attempt.attemptId, 'succeeded');
    const notifyAgain = await claimOne(client, agentId);
    expect(notifyAgain).toMatchObject({ runId: retry.id, taskId: 'notify' });
    await finish(notifyAgain.attemptId, 'succeeded');
    const done = await until(
      () => client.getRun(retry.id),
      (d) => d.run.status === 'succeeded',
    );
    expect(done.run.status).toBe('succeeded');

    // A run that succeeded has nothing to retry.
    await expect(client.retryRun(retry.id)).rejects.toMatchObject({
      status: 409,
      message: `run ${retry.id} (#${retry.number}) succeeded, so there is nothing to retry; rerun it to run every task again`,
    });
  });

  it('refuses to retry a run that has not finished, and unknown runs', async () => {
    const { client } = await setUp();
    const running = await client.createRun('shop');
    await expect(client.retryRun(running.id)).rejects.toMatchObject({
      status: 409,
      message: `run ${running.id} (#1) is running; only a finished run can be retried`,
    });
    await expect(client.retryRun('no-run')).rejects.toMatchObject({ status: 404 });
    await expect(client.rerunRun('no-run')).rejects.toMatchObject({ status: 404 });
  });

  it('reruns a run from the start at its commit with its params, compiled anew', async () => {
    const { repo, client, agentId } = await setUp();
    const original = await client.createRun('shop', { params: { target: 'prod' } });
    const git = (...args: string[]) =>
      run('git', ['-C', repo.dir, ...args], {
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'Test',
          GIT_AUTHOR_EMAIL: 'test@example.com',
          GIT_COMMITTER_NAME: 'Test',
          GIT_COMMITTER_EMAIL: 'test@example.com',
        },
      });
    await writeFile(join(repo.dir, '.slipway.yml'), PIPELINE.replace('echo building', 'exit 1'));
    await git('commit', '--quiet', '-am', 'second');

    const rerun = await client.rerunRun(original.id);
    expect(rerun).toMatchObject({
      number: 2,
      rerunOf: original.id,
      trigger: { commit: repo.commit, branch: 'main' },
    });
    expect(rerun).not.toHaveProperty('retryOf');
    const detail = await client.getRun(rerun.id);
    expect(detail.plan.params).toEqual({ target: 'prod' });
    expect(detail.tasks.every((t) => t.carriedFrom === undefined)).toBe(true);

    const attempts = [];
    for (let i = 0; i < 4; i++) attempts.push(await claimOne(client, agentId));
    const build = attempts.find((a) => a.runId === rerun.id && a.taskId === 'build');
    expect(build?.task.steps.map((s) => s.run)).toEqual(['echo building']);
    expect(build?.project.commit).toBe(repo.commit);
  });
});
