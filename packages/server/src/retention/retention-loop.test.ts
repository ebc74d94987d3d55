import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { RunStatus, TaskStatus, type ClaimedAttempt, type ControlStore } from '@slipway/core';
import { openControlStore } from '@slipway/store';
import { planTask, testPlan } from '@slipway/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactFiles } from '../artifacts/artifact-files.js';
import { RetentionLoop, type RetentionOptions } from './retention-loop.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

const PLAN = testPlan([planTask('build', { artifacts: ['out/**'] })]);

describe('RetentionLoop', () => {
  let dir: string;
  let store: ControlStore;
  let files: ArtifactFiles;
  let projectId: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-retention-'));
    store = await openControlStore(join(dir, 'slipway.db'));
    files = new ArtifactFiles(join(dir, 'artifacts'));
    projectId = (await store.createProject({ name: 'shop', source: '/src', defaultBranch: 'main' }))
      .id;
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A run whose one attempt wrote a log line and an artifact, finished at `finishedAt`. */
  async function finishedRun(finishedAt: number | null): Promise<ClaimedAttempt> {
    const run = await store.createRun({
      projectId,
      plan: PLAN,
      trigger: PLAN.trigger,
      state: {},
      createdAt: T0,
    });
    const change = (status: RunStatus, now: number, queue: boolean) =>
      store.updateRun(run.id, (current) => ({
        state: current.state,
        status,
        tasks: queue
          ? [{ taskId: 'build', status: TaskStatus.Running, attempt: 1, reason: null }]
          : [],
        queue: queue ? [{ taskId: 'build', attempt: 1, labels: [`run-${run.id}`] }] : [],
        stop: [],
        applied: [],
        wakeAt: null,
        now,
        result: undefined,
      }));
    await change(RunStatus.Running, T0, true);
    const [attempt] = await store.claimAttempts({
      agentId: 'agent',
      labels: [`run-${run.id}`],
      max: 1,
      now: T0,
      leaseUntil: T0 + 1000 * DAY,
    });
    if (!attempt) throw new Error('nothing claimed');
    await store.appendLogs([
      { attemptId: attempt.attemptId, step: 0, seq: 0, stream: 'stdout', text: 'hi\n', at: T0 },
    ]);
    const location = { runId: run.id, attemptId: attempt.attemptId, path: 'out/app.bin' };
    const stored = await files.write(location, Readable.from(['bytes']), 5);
    await store.recordArtifact({ ...location, agentId: 'agent', ...stored, now: T0 });
    if (finishedAt !== null) await change(RunStatus.Succeeded, finishedAt, false);
    return attempt;
  }

  const loop = (now: number, options: Partial<RetentionOptions> = {}) =>
    new RetentionLoop(store, files, {
      logRetentionDays: 30,
      artifactRetentionDays: 7,
      holder: 'server-a',
      now: () => now,
      onError: (error) => {
        throw error;
      },
      ...options,
    });

  const kept = async (attempt: ClaimedAttempt) => ({
    logs: (await store.readLogs(attempt.attemptId, -1, 10)).length,
    records: (await store.listArtifacts([attempt.attemptId])).length,
    file: await files.open({ ...attempt, path: 'out/app.bin' }).then((f) => {
      f?.stream.destroy();
      return f !== null;
    }),
  });

  it('deletes logs and artifacts of finished runs older than the configured days', async () => {
    const old = await finishedRun(T0);
    const week = await finishedRun(T0 + 25 * DAY);
    const recent = await finishedRun(T0 + 31 * DAY);
    const running = await finishedRun(null);

    const report = await loop(T0 + 33 * DAY).runOnce();
    expect(report).toEqual({ leader: true, logRuns: 1, artifactRuns: 2 });
    expect(await kept(old)).toEqual({ logs: 0, records: 0, file: false });
    expect(await kept(week)).toEqual({ logs: 1, records: 0, file: false });
    expect(await kept(recent)).toEqual({ logs: 1, records: 1, file: true });
    expect(await kept(running)).toEqual({ logs: 1, records: 1, file: true });

    expect(await loop(T0 + 33 * DAY).runOnce()).toEqual({
      leader: true,
      logRuns: 0,
      artifactRuns: 0,
    });
  });

  it('keeps everything for ever with 0 days', async () => {
    const old = await finishedRun(T0);
    const forever = loop(T0 + 10_000 * DAY, { logRetentionDays: 0, artifactRetentionDays: 0 });
    expect(await forever.runOnce()).toEqual({ leader: true, logRuns: 0, artifactRuns: 0 });
    expect(await kept(old)).toEqual({ logs: 1, records: 1, file: true });
  });

  it('leaves the work to the replica that holds the retention lease', async () => {
    const old = await finishedRun(T0);
    const now = T0 + 100 * DAY;
    expect(await store.acquireLease('retention', 'server-b', now + DAY, now)).toBe(true);
    expect(await loop(now).runOnce()).toEqual({ leader: false, logRuns: 0, artifactRuns: 0 });
    expect(await kept(old)).toEqual({ logs: 1, records: 1, file: true });
  });

  it('handles many runs in batches', async () => {
    const attempts = [];
    for (let i = 0; i < 5; i++) attempts.push(await finishedRun(T0 + i));
    expect(await loop(T0 + 60 * DAY, { batch: 2 }).runOnce()).toEqual({
      leader: true,
      logRuns: 5,
      artifactRuns: 5,
    });
    for (const attempt of attempts) {
      expect(await kept(attempt)).toEqual({ logs: 0, records: 0, file: false });
    }
  });
});
