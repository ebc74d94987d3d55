import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Run, RunDetail } from '@slipway/api';
import { expect, it } from 'vitest';
import { gitInit, waitFor } from '../e2e/helpers.js';
import {
  adminTokenOf,
  SHORT_LEASE_MS,
  apiClient,
  describeOnEachStore,
  describeRun,
  groupEndsWithin,
  readLines,
  slipway,
  slipwayJson,
  startAgent,
  startUp,
  stepPids,
  useCleanup,
  waitForRuns,
} from './helpers.js';

/** Heartbeats of the agents here: a third of the lease. */
const HEARTBEAT_SECONDS = SHORT_LEASE_MS / 3000;
/** Longest a scheduler pass may take to notice a lapsed lease, with room for a busy machine. */
const EXPIRY_SLACK_MS = 4_000;

/**
 * Two independent tasks whose first attempts run long enough to be caught by the kill;
 * only `retried` may be tried again.
 */
function pipeline(markers: string): string {
  const step = `
      - name: work
        run: |
          echo "$SLIPWAY_RUN_ID $SLIPWAY_TASK_ID $SLIPWAY_ATTEMPT $$" >> ${markers}/started
          echo "$SLIPWAY_TASK_ID attempt $SLIPWAY_ATTEMPT on the job"
          if [ "$SLIPWAY_ATTEMPT" = 1 ]; then sleep 60; fi
          echo "$SLIPWAY_TASK_ID attempt $SLIPWAY_ATTEMPT done"`;
  return `
tasks:
  retried:
    retries: 1
    steps:${step}
  once:
    steps:${step}
`;
}

const cleanup = useCleanup();

describeOnEachStore('kill -9 of an agent', (store) => {
  it('marks its attempts lost within the lease and retries them per policy', async () => {
    const repo = await cleanup.tempDir('slipway-rel-repo-');
    const markers = await cleanup.tempDir('slipway-rel-markers-');
    const started = join(markers, 'started');
    cleanup.trackStepPids(started);
    await writeFile(join(repo, '.slipway.yml'), pipeline(markers));
    await gitInit(repo);
    const base = await cleanup.tempDir();
    const dataDir = join(base, 'data');
    await mkdir(dataDir);
    const up = await startUp(cleanup, {
      dataDir,
      database: await store.database(cleanup),
      agent: false,
      env: { SLIPWAY_LEASE_MS: String(SHORT_LEASE_MS) },
    });
    const access = { url: up.url, token: await adminTokenOf(up) };
    const client = apiClient(access);
    await slipwayJson(access, ['project', 'add', 'fragile', repo]);
    const runId = (await slipwayJson<Run>(access, ['trigger', 'fragile'])).id;

    const first = await startAgent(cleanup, {
      server: up.url,
      token: access.token,
      workDir: join(base, 'agent-1'),
      name: 'first',
      capacity: 2,
      heartbeatSeconds: HEARTBEAT_SECONDS,
    });
    let running: RunDetail | undefined;
    await waitFor(
      'both tasks to run on the first agent',
      async () => {
        running = await client.getRun(runId);
        const startedSteps = await readLines(started);
        return running.tasks.every((t) => t.status === 'running') && startedSteps.length === 2;
      },
      60_000,
    );
    const onceAttempt = running?.tasks.find((t) => t.taskId === 'once')?.attemptId ?? '';

    await first.kill9();
    const killedAt = Date.now();
    // Its steps stop with it: the retry must not run beside a copy of itself.
    for (const pid of await stepPids(started)) {
      expect(await groupEndsWithin(pid, 5_000), `step ${pid} outlived its agent`).toBe(true);
    }
    const lostAfter: Record<string, number> = {};
    await waitFor(
      'the attempts of the killed agent to be lost',
      async () => {
        const detail = await client.getRun(runId);
        for (const task of detail.tasks) {
          const lost = task.status === 'lost' || task.attempt > 1;
          if (lost && lostAfter[task.taskId] === undefined) {
            lostAfter[task.taskId] = Date.now() - killedAt;
          }
        }
        return Object.keys(lostAfter).length === 2;
      },
      SHORT_LEASE_MS + 30_000,
    );
    for (const [task, ms] of Object.entries(lostAfter)) {
      expect(ms, `${task} was marked lost ${ms} ms after the kill`).toBeLessThanOrEqual(
        SHORT_LEASE_MS + EXPIRY_SLACK_MS,
      );
    }

    // Nobody runs the retry until an agent comes: the run waits rather than fails.
    const waiting = await client.getRun(runId);
    expect(waiting.run.status, describeRun(waiting)).toBe('running');
    expect(waiting.tasks.find((t) => t.taskId === 'once')?.status).toBe('lost');

    // The killed agent, were it to come back, can change nothing.
    const late = await client.finish({
      agentId: first.agentId,
      attemptId: onceAttempt,
      outcome: 'succeeded',
      results: {},
      error: null,
    });
    expect(late.accepted).toBe(false);
    const beat = await client.heartbeat({ agentId: first.agentId, attemptIds: [onceAttempt] });
    expect(beat.answers[onceAttempt]).toEqual({ status: 'gone' });

    await startAgent(cleanup, {
      server: up.url,
      token: access.token,
      workDir: join(base, 'agent-2'),
      name: 'second',
      capacity: 2,
      heartbeatSeconds: HEARTBEAT_SECONDS,
    });
    const [done] = await waitForRuns(client, [runId], 60_000);
    const report = done ? describeRun(done) : '';
    expect(done?.run.status, report).toBe('failed');
    const tasks = Object.fromEntries(
      (done?.tasks ?? []).map((t) => [t.taskId, { status: t.status, attempt: t.attempt }]),
    );
    expect(tasks, report).toEqual({
      retried: { status: 'succeeded', attempt: 2 },
      once: { status: 'lost', attempt: 1 },
    });
    expect(done?.tasks.find((t) => t.taskId === 'once')?.reason).toContain(
      `agent ${first.agentId} stopped renewing its lease`,
    );

    const logs = await slipway(access, ['logs', runId, 'retried']);
    expect(logs.stdout).toBe('retried attempt 2 on the job\nretried attempt 2 done\n');
    const attempts = (await readLines(started)).map((line) =>
      line.split(' ').slice(1, 3).join(' '),
    );
    expect(attempts.sort()).toEqual(['once 1', 'retried 1', 'retried 2']);
  }, 180_000);
});
