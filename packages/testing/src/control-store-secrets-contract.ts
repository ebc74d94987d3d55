import { describe, expect, it } from 'vitest';
import {
  AttemptOutcome,
  RunStatus,
  TaskKind,
  TriggerEvent,
  UserError,
  type ControlStore,
  type LogChunk,
  type LogLimit,
  type Plan,
  type Project,
  type RunRecord,
} from '@slipway/core';

const T0 = 1_750_000_000_000;

/**
 * The part of the {@link ControlStore} contract about secrets, trusted runs, finding
 * attempts and the per-step log limit. `store` returns the store of the running test.
 */
export function describeControlStoreSecretsContract(store: () => ControlStore): void {
  describe('secrets', () => {
    it('stores, lists, replaces and deletes a project secret', async () => {
      const project = await newProject(store());
      expect(await store().listSecrets(project.id)).toEqual([]);
      expect(await store().putSecret(secret(project.id, 'TOKEN', 'v1:first', T0))).toEqual({
        name: 'TOKEN',
        updatedAt: T0,
      });
      await store().putSecret(secret(project.id, 'API_KEY', 'v1:key', T0 + 1));
      expect(await store().listSecrets(project.id)).toEqual([
        { name: 'API_KEY', updatedAt: T0 + 1 },
        { name: 'TOKEN', updatedAt: T0 },
      ]);

      await store().putSecret(secret(project.id, 'TOKEN', 'v1:second', T0 + 5));
      expect(await store().readSecrets(project.id)).toEqual([
        { name: 'API_KEY', ciphertext: 'v1:key', updatedAt: T0 + 1 },
        { name: 'TOKEN', ciphertext: 'v1:second', updatedAt: T0 + 5 },
      ]);

      expect(await store().deleteSecret(project.id, 'TOKEN')).toBe(true);
      expect(await store().deleteSecret(project.id, 'TOKEN')).toBe(false);
      expect(await store().listSecrets(project.id)).toEqual([
        { name: 'API_KEY', updatedAt: T0 + 1 },
      ]);
    });

    it('samples the secrets stored first and last, of any project', async () => {
      expect(await store().secretSamples()).toEqual([]);
      const one = await newProject(store());
      const two = await newProject(store());
      await store().putSecret(secret(one.id, 'ONLY', 'v1:only', T0 + 3));
      expect(await store().secretSamples()).toEqual([
        { projectId: one.id, name: 'ONLY', ciphertext: 'v1:only', updatedAt: T0 + 3 },
      ]);
      await store().putSecret(secret(two.id, 'NEWEST', 'v1:newest', T0 + 9));
      await store().putSecret(secret(two.id, 'OLDEST', 'v1:oldest', T0 + 1));
      await store().putSecret(secret(one.id, 'MIDDLE', 'v1:middle', T0 + 5));
      expect(await store().secretSamples()).toEqual([
        { projectId: two.id, name: 'OLDEST', ciphertext: 'v1:oldest', updatedAt: T0 + 1 },
        { projectId: two.id, name: 'NEWEST', ciphertext: 'v1:newest', updatedAt: T0 + 9 },
      ]);
    });

    it('keeps the secrets of each project apart', async () => {
      const one = await newProject(store());
      const two = await newProject(store());
      await store().putSecret(secret(one.id, 'TOKEN', 'v1:one', T0));
      await store().putSecret(secret(two.id, 'TOKEN', 'v1:two', T0));
      expect(await store().deleteSecret(one.id, 'TOKEN')).toBe(true);
      expect((await store().readSecrets(two.id)).map((s) => s.ciphertext)).toEqual(['v1:two']);
      expect(await store().readSecrets(one.id)).toEqual([]);
    });

    it('refuses a secret of an unknown project as a user error', async () => {
      await expect(
        store().putSecret(secret('nothing', 'TOKEN', 'v1:x', T0)),
      ).rejects.toBeInstanceOf(UserError);
    });
  });

  describe('trusted runs', () => {
    it('stores runs as trusted unless told otherwise', async () => {
      const project = await newProject(store());
      const trusted = await newRun(store(), project.id);
      const untrusted = await newRun(store(), project.id, false);
      expect(trusted.trusted).toBe(true);
      expect(untrusted.trusted).toBe(false);
      expect((await store().getRun(untrusted.id))?.trusted).toBe(false);
      expect((await store().getRun(trusted.id))?.trusted).toBe(true);
      const listed = await store().listRuns({ projectId: project.id, limit: 10 });
      expect(listed.map((r) => r.trusted)).toEqual([false, true]);
    });
  });

  describe('finding attempts', () => {
    it('finds an attempt by id and by run, task and number, and tells when it settled', async () => {
      const { run, attemptId } = await claimedAttempt(store());
      const expected = {
        attemptId,
        runId: run.id,
        taskId: 'build',
        attempt: 1,
        projectId: run.projectId,
        settled: false,
      };
      expect(await store().getAttempt(attemptId)).toEqual(expected);
      expect(await store().findAttempt(run.id, 'build', 1)).toEqual(expected);
      expect(await store().findAttempt(run.id, 'build', 2)).toBeNull();
      expect(await store().findAttempt(run.id, 'other', 1)).toBeNull();
      expect(await store().getAttempt('unknown')).toBeNull();

      await store().finishAttempt({
        attemptId,
        agentId: 'agent-1',
        outcome: AttemptOutcome.Succeeded,
        results: {},
        error: null,
        now: T0 + 1,
      });
      expect(await store().getAttempt(attemptId)).toEqual({ ...expected, settled: true });
    });
  });

  describe('log limit', () => {
    const limit: LogLimit = { maxStepBytes: 20, marker: '[truncated]\n' };

    it('cuts the chunk that crosses the limit, adds the marker once and drops the rest', async () => {
      const { attemptId } = await claimedAttempt(store());
      const chunk = logChunk(attemptId);
      await store().appendLogs([chunk(0, 1, '0123456789'), chunk(1, 2, 'step 1\n')], limit);
      await store().appendLogs([chunk(0, 3, 'abcdefghijklmnop'), chunk(0, 4, 'dropped\n')], limit);
      await store().appendLogs([chunk(0, 5, 'dropped too\n'), chunk(1, 6, 'still 1\n')], limit);
      expect((await store().readLogs(attemptId, 0, 100)).map((c) => [c.step, c.text])).toEqual([
        [0, '0123456789'],
        [1, 'step 1\n'],
        [0, 'abcdefghij\n[truncated]\n'],
        [1, 'still 1\n'],
      ]);
    });

    it('counts a batch sent again once', async () => {
      const { attemptId } = await claimedAttempt(store());
      const chunk = logChunk(attemptId);
      const batch = [chunk(0, 1, '12345\n'), chunk(0, 2, '67890\n')];
      await store().appendLogs(batch, limit);
      await store().appendLogs(batch, limit);
      await store().appendLogs(batch, limit);
      await store().appendLogs([chunk(0, 3, 'abcdef\n')], limit);
      expect((await store().readLogs(attemptId, 0, 100)).map((c) => c.text)).toEqual([
        '12345\n',
        '67890\n',
        'abcdef\n',
      ]);
    });

    it('counts UTF-8 bytes and never splits a character', async () => {
      const { attemptId } = await claimedAttempt(store());
      const chunk = logChunk(attemptId);
      await store().appendLogs([chunk(0, 1, 'ééééééééé🚀🚀')], limit);
      const [stored] = await store().readLogs(attemptId, 0, 100);
      expect(stored?.text).toBe('ééééééééé\n[truncated]\n');
    });

    it('shares the count between concurrent batches of one step', async () => {
      const { attemptId } = await claimedAttempt(store());
      const chunk = logChunk(attemptId);
      const big: LogLimit = { maxStepBytes: 1000, marker: '[truncated]\n' };
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store().appendLogs([chunk(0, i + 1, `${'x'.repeat(99)}\n`)], big),
        ),
      );
      const texts = (await store().readLogs(attemptId, 0, 100)).map((c) => c.text);
      expect(texts.join('').replace('[truncated]\n', '')).toHaveLength(1000);
      expect(texts.filter((t) => t.includes('[truncated]'))).toHaveLength(1);
    });
  });
}

let projects = 0;

function newProject(store: ControlStore): Promise<Project> {
  projects += 1;
  return store.createProject({
    name: `secrets-${projects}`,
    source: '/srv/git/project.git',
    defaultBranch: 'main',
  });
}

function secret(projectId: string, name: string, ciphertext: string, updatedAt: number) {
  return { projectId, name, ciphertext, updatedAt };
}

const PLAN: Plan = {
  schemaVersion: 1,
  pipeline: 'ci',
  source: { file: '.slipway.yml' },
  params: {},
  trigger: { event: TriggerEvent.Push, branch: 'main', commit: 'abc123' },
  timeoutMs: null,
  concurrency: null,
  tasks: [
    {
      id: 'build',
      name: 'build',
      kind: TaskKind.Main,
      matrix: null,
      needs: [],
      when: null,
      image: null,
      runsOn: [],
      env: {},
      steps: [
        {
          name: 'one',
          run: 'true',
          shell: ['sh', '-c'],
          env: {},
          timeoutMs: null,
          continueOnError: false,
        },
        {
          name: 'two',
          run: 'true',
          shell: ['sh', '-c'],
          env: {},
          timeoutMs: null,
          continueOnError: false,
        },
      ],
      timeoutMs: null,
      retries: { count: 0, backoffMs: 0, maxBackoffMs: 0 },
      results: [],
      reports: [],
      artifacts: [],
      template: null,
      matrixGroup: null,
    },
  ],
};

function newRun(store: ControlStore, projectId: string, trusted?: boolean): Promise<RunRecord> {
  return store.createRun({
    projectId,
    plan: PLAN,
    trigger: PLAN.trigger,
    state: {},
    createdAt: T0,
    ...(trusted === undefined ? {} : { trusted }),
  });
}

async function claimedAttempt(
  store: ControlStore,
): Promise<{ readonly run: RunRecord; readonly attemptId: string }> {
  const run = await newRun(store, (await newProject(store)).id);
  await store.updateRun(run.id, () => ({
    state: {},
    status: RunStatus.Running,
    tasks: [],
    queue: [{ taskId: 'build', attempt: 1, labels: [] }],
    stop: [],
    applied: [],
    wakeAt: null,
    now: T0,
    result: undefined,
  }));
  const [claimed] = await store.claimAttempts({
    agentId: 'agent-1',
    labels: [],
    max: 1,
    now: T0,
    leaseUntil: T0 + 60_000,
  });
  if (claimed === undefined) throw new Error('no attempt was claimed');
  return { run, attemptId: claimed.attemptId };
}

function logChunk(attemptId: string) {
  return (step: number, seq: number, text: string): LogChunk => ({
    attemptId,
    step,
    seq,
    stream: 'stdout',
    text,
    at: T0 + seq,
  });
}
