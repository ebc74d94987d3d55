import { describe, expect, it } from 'vitest';
import {
  AttemptOutcome,
  RunStatus,
  TaskKind,
  TaskStatus,
  TestCaseStatus,
  TriggerEvent,
  type CarriedTask,
  type ClaimedAttempt,
  type ControlStore,
  type NewRun,
  type Plan,
  type PlanTask,
  type RunRecord,
  type TestCase,
  type TestReport,
} from '@slipway/core';

const T0 = 1_750_000_000_000;
const DAY = 86_400_000;
const AGENT = 'agent-1';

/**
 * The part of the {@link ControlStore} contract about what runs leave behind: test
 * reports, artifact records, runs made from earlier runs (carried tasks) and retention.
 * Called inside the main contract suite with the store of the current test.
 */
export function describeRunOutputsContract(current: () => ControlStore): void {
  describe('test reports', () => {
    it('stores the report of a held attempt and reads totals, suites and cases', async () => {
      const store = current();
      const { attempts } = await runWithAttempts(store, ['unit']);
      const unit = attempt(attempts, 'unit');
      expect(await store.saveReport({ ...held(unit), report: REPORT, now: T0 + 5 })).toBe(true);

      expect(await store.readReports([unit.attemptId, 'unknown'])).toEqual([
        {
          attemptId: unit.attemptId,
          totals: REPORT.totals,
          suites: REPORT.suites.map(({ cases: _, ...suite }) => suite),
          createdAt: T0 + 5,
        },
      ]);
      const cases = await store.listTestCases({
        attemptIds: [unit.attemptId],
        offset: 0,
        limit: 10,
      });
      expect(cases.map((c) => `${c.name}:${c.status}`)).toEqual([
        'pays:failed',
        'boots:errored',
        'ships:skipped',
        'adds:passed',
        'lists:passed',
      ]);
      expect(cases[0]).toEqual({ attemptId: unit.attemptId, ...PAYS });
      expect(cases[3]).not.toHaveProperty('message');
    });

    it('pages through cases and filters them by status', async () => {
      const store = current();
      const { attempts } = await runWithAttempts(store, ['unit']);
      const unit = attempt(attempts, 'unit');
      await store.saveReport({ ...held(unit), report: REPORT, now: T0 });
      const page = (offset: number) =>
        store.listTestCases({ attemptIds: [unit.attemptId], offset, limit: 2 });
      const names = async (offset: number) => (await page(offset)).map((c) => c.name);
      expect([...(await names(0)), ...(await names(2)), ...(await names(4))]).toEqual([
        'pays',
        'boots',
        'ships',
        'adds',
        'lists',
      ]);
      expect(await page(6)).toEqual([]);
      const passed = await store.listTestCases({
        attemptIds: [unit.attemptId],
        status: TestCaseStatus.Passed,
        offset: 0,
        limit: 10,
      });
      expect(passed.map((c) => c.name)).toEqual(['adds', 'lists']);
    });

    it('orders the cases of several attempts by their tasks in plan order', async () => {
      const store = current();
      const { attempts } = await runWithAttempts(store, ['lint', 'unit']);
      const lint = attempt(attempts, 'lint');
      const unit = attempt(attempts, 'unit');
      await store.saveReport({ ...held(unit), report: REPORT, now: T0 });
      await store.saveReport({ ...held(lint), report: reportOf([LINT_FAILED]), now: T0 });
      const cases = await store.listTestCases({
        attemptIds: [unit.attemptId, lint.attemptId],
        offset: 0,
        limit: 3,
      });
      expect(cases.map((c) => [c.attemptId, c.name])).toEqual([
        [lint.attemptId, 'style'],
        [unit.attemptId, 'pays'],
        [unit.attemptId, 'boots'],
      ]);
    });

    it('replaces a report uploaded again, and refuses attempts the agent does not hold', async () => {
      const store = current();
      const { attempts } = await runWithAttempts(store, ['unit']);
      const unit = attempt(attempts, 'unit');
      await store.saveReport({ ...held(unit), report: REPORT, now: T0 });
      await store.saveReport({ ...held(unit), report: reportOf([LINT_FAILED]), now: T0 + 1 });
      const [stored] = await store.readReports([unit.attemptId]);
      expect(stored?.totals.tests).toBe(1);
      const all = { attemptIds: [unit.attemptId], offset: 0, limit: 10 };
      expect((await store.listTestCases(all)).map((c) => c.name)).toEqual(['style']);

      expect(
        await store.saveReport({ ...held(unit), agentId: 'agent-2', report: REPORT, now: T0 }),
      ).toBe(false);
      await settle(store, unit);
      expect(await store.saveReport({ ...held(unit), report: REPORT, now: T0 })).toBe(false);
      expect(
        await store.saveReport({ attemptId: 'nope', agentId: AGENT, report: REPORT, now: T0 }),
      ).toBe(false);
      expect((await store.listTestCases(all)).map((c) => c.name)).toEqual(['style']);
    });

    it('keeps many cases and long texts exactly', async () => {
      const store = current();
      const { attempts } = await runWithAttempts(store, ['unit']);
      const unit = attempt(attempts, 'unit');
      const details = `Error: naïve € 😀\n${'    at frame (file.ts:1:1)\n'.repeat(2000)}`;
      const cases: TestCase[] = Array.from({ length: 1500 }, (_, i) => ({
        suite: 'big',
        name: `case ${i}`,
        classname: 'big.Suite',
        status: i === 1234 ? TestCaseStatus.Failed : TestCaseStatus.Passed,
        durationMs: i + 0.125,
        ...(i === 1234 ? { message: 'boom', details } : {}),
      }));
      await store.saveReport({ ...held(unit), report: reportOf(cases), now: T0 });
      const page = await store.listTestCases({
        attemptIds: [unit.attemptId],
        offset: 0,
        limit: 2000,
      });
      expect(page).toHaveLength(1500);
      expect(page[0]).toMatchObject({ name: 'case 1234', details, durationMs: 1234.125 });
      expect(page[1]?.name).toBe('case 0');
    });
  });

  describe('artifact records', () => {
    it('records files of held attempts, lists them by task then path, and finds one', async () => {
      const store = current();
      const { run, attempts } = await runWithAttempts(store, ['build', 'docs']);
      const build = attempt(attempts, 'build');
      const docs = attempt(attempts, 'docs');
      const record = (a: ClaimedAttempt, path: string, size: number) =>
        store.recordArtifact({ ...held(a), path, size, sha256: sha(path), now: T0 + size });
      expect(await record(docs, 'site/index.html', 10)).toBe(true);
      expect(await record(build, 'dist/b.js', 3_000_000_000)).toBe(true);
      expect(await record(build, 'dist/a.js', 1)).toBe(true);
      expect(await record(build, 'dist/a.js', 2)).toBe(true);

      const listed = await store.listArtifacts([docs.attemptId, build.attemptId]);
      expect(listed.map((a) => `${a.taskId}:${a.path}:${a.size}`)).toEqual([
        'build:dist/a.js:2',
        'build:dist/b.js:3000000000',
        'docs:site/index.html:10',
      ]);
      expect(await store.findArtifact(build.attemptId, 'dist/a.js')).toEqual({
        attemptId: build.attemptId,
        runId: run.id,
        taskId: 'build',
        path: 'dist/a.js',
        size: 2,
        sha256: sha('dist/a.js'),
        createdAt: T0 + 2,
      });
      expect(await store.findArtifact(build.attemptId, 'dist/c.js')).toBeNull();
      expect(await store.listArtifacts([])).toEqual([]);
    });

    it('refuses files of attempts the agent does not hold', async () => {
      const store = current();
      const { attempts } = await runWithAttempts(store, ['build']);
      const build = attempt(attempts, 'build');
      const file = { path: 'a', size: 1, sha256: sha('a'), now: T0 };
      expect(await store.recordArtifact({ ...held(build), agentId: 'agent-2', ...file })).toBe(
        false,
      );
      await settle(store, build);
      expect(await store.recordArtifact({ ...held(build), ...file })).toBe(false);
      expect(await store.listArtifacts([build.attemptId])).toEqual([]);
    });
  });

  describe('runs made from earlier runs', () => {
    it('records retryOf and rerunOf, and starts carried tasks succeeded on the kept attempt', async () => {
      const store = current();
      const first = await runWithAttempts(store, ['build', 'test']);
      const build = attempt(first.attempts, 'build');
      await settle(store, build);
      const kept: CarriedTask = {
        taskId: 'build',
        attemptId: build.attemptId,
        attempt: 1,
        runId: first.run.id,
        results: { version: '1.2.3' },
        startedAt: T0 + 1,
        finishedAt: T0 + 2,
      };
      const retry = await store.createRun({
        ...newRun(first.run.projectId, ['build', 'test']),
        retryOf: first.run.id,
        carried: [kept],
      });
      expect(retry.retryOf).toBe(first.run.id);
      expect(retry).not.toHaveProperty('rerunOf');
      expect(await store.getRun(retry.id)).toEqual(retry);
      const [carried, fresh] = await store.listTasks(retry.id);
      expect(carried).toEqual({
        runId: retry.id,
        taskId: 'build',
        status: TaskStatus.Succeeded,
        attempt: 1,
        reason: null,
        results: { version: '1.2.3' },
        attemptId: build.attemptId,
        startedAt: T0 + 1,
        finishedAt: T0 + 2,
        carriedFrom: first.run.id,
      });
      expect(fresh).toMatchObject({ taskId: 'test', status: TaskStatus.Pending, attemptId: null });
      expect(fresh).not.toHaveProperty('carriedFrom');

      const rerun = await store.createRun({
        ...newRun(first.run.projectId, ['build']),
        rerunOf: first.run.id,
      });
      expect(rerun.rerunOf).toBe(first.run.id);
      expect((await store.getRun(rerun.id))?.rerunOf).toBe(first.run.id);
      expect(await store.getRun(first.run.id)).not.toHaveProperty('retryOf');
    });
  });

  describe('retention', () => {
    it('deletes the logs of runs finished before the cutoff, once each', async () => {
      const store = current();
      const old = await runWithAttempts(store, ['build']);
      const recent = await runWithAttempts(store, ['build']);
      const running = await runWithAttempts(store, ['build']);
      for (const r of [old, recent, running]) await log(store, attempt(r.attempts, 'build'));
      await finishRun(store, old.run, T0);
      await finishRun(store, recent.run, T0 + 10 * DAY);

      expect(await store.expireLogs(T0 + 5 * DAY, T0 + 40 * DAY, 10)).toBe(1);
      expect(await store.readLogs(attempt(old.attempts, 'build').attemptId, -1, 10)).toEqual([]);
      expect(
        await store.readLogs(attempt(recent.attempts, 'build').attemptId, -1, 10),
      ).toHaveLength(1);
      expect(
        await store.readLogs(attempt(running.attempts, 'build').attemptId, -1, 10),
      ).toHaveLength(1);
      expect(await store.expireLogs(T0 + 5 * DAY, T0 + 40 * DAY, 10)).toBe(0);
      expect(await store.expireLogs(T0 + 50 * DAY, T0 + 80 * DAY, 10)).toBe(1);
      expect(await store.readLogs(attempt(recent.attempts, 'build').attemptId, -1, 10)).toEqual([]);
    });

    it("removes the logs' per-step byte counts with them", async () => {
      const store = current();
      const old = await runWithAttempts(store, ['build']);
      const build = attempt(old.attempts, 'build');
      const limit = { maxStepBytes: 10, marker: '[cut]\n' };
      const chunk = (seq: number, text: string) => ({
        attemptId: build.attemptId,
        step: 0,
        seq,
        stream: 'stdout' as const,
        text,
        at: T0,
      });
      await store.appendLogs([chunk(0, '0123456789 and more\n')], limit);
      await store.appendLogs([chunk(1, 'over the limit\n')], limit);
      expect((await store.readLogs(build.attemptId, -1, 10)).map((c) => c.text)).toEqual([
        '0123456789\n[cut]\n',
      ]);
      await finishRun(store, old.run, T0);

      expect(await store.expireLogs(T0 + DAY, T0 + 31 * DAY, 10)).toBe(1);
      // No count is left behind: output stored for the step again is counted from zero.
      await store.appendLogs([chunk(2, 'anew\n')], limit);
      expect((await store.readLogs(build.attemptId, -1, 10)).map((c) => c.text)).toEqual([
        'anew\n',
      ]);
    });

    it('keeps what a newer run carries until that run expires too', async () => {
      const store = current();
      const first = await runWithAttempts(store, ['build', 'test']);
      const build = attempt(first.attempts, 'build');
      await log(store, build);
      await store.recordArtifact({ ...held(build), path: 'a', size: 1, sha256: sha('a'), now: T0 });
      await settle(store, build);
      await finishRun(store, first.run, T0);
      const retry = await store.createRun({
        ...newRun(first.run.projectId, ['build', 'test']),
        retryOf: first.run.id,
        carried: [
          {
            taskId: 'build',
            attemptId: build.attemptId,
            attempt: 1,
            runId: first.run.id,
            results: {},
            startedAt: T0,
            finishedAt: T0,
          },
        ],
      });

      expect(await store.expireLogs(T0 + DAY, T0 + 31 * DAY, 10)).toBe(0);
      expect(await store.runsWithExpiredArtifacts(T0 + DAY, 10)).toEqual([]);
      await finishRun(store, retry, T0 + 3 * DAY);
      expect(await store.expireLogs(T0 + DAY, T0 + 31 * DAY, 10)).toBe(0);
      expect(await store.runsWithExpiredArtifacts(T0 + 4 * DAY, 10)).toEqual([
        first.run.id,
        retry.id,
      ]);
      expect(await store.expireLogs(T0 + 4 * DAY, T0 + 34 * DAY, 10)).toBe(2);
      expect(await store.readLogs(build.attemptId, -1, 10)).toEqual([]);
    });

    it('lists runs whose artifacts expired, oldest first, until they are forgotten', async () => {
      const store = current();
      const a = await runWithAttempts(store, ['build']);
      const b = await runWithAttempts(store, ['build']);
      for (const r of [a, b]) {
        const build = attempt(r.attempts, 'build');
        await store.recordArtifact({
          ...held(build),
          path: 'x',
          size: 1,
          sha256: sha('x'),
          now: T0,
        });
      }
      await finishRun(store, b.run, T0 + 1);
      await finishRun(store, a.run, T0 + 2);
      expect(await store.runsWithExpiredArtifacts(T0 + 3, 1)).toEqual([b.run.id]);
      expect(await store.runsWithExpiredArtifacts(T0 + 3, 10)).toEqual([b.run.id, a.run.id]);
      await store.forgetArtifacts([b.run.id], T0 + 4);
      expect(await store.listArtifacts([attempt(b.attempts, 'build').attemptId])).toEqual([]);
      expect(await store.listArtifacts([attempt(a.attempts, 'build').attemptId])).toHaveLength(1);
      expect(await store.runsWithExpiredArtifacts(T0 + 3, 10)).toEqual([a.run.id]);
      await store.forgetArtifacts([], T0 + 4);
    });
  });
}

const PAYS: TestCase = {
  suite: 'cart',
  name: 'pays',
  classname: 'shop.Cart',
  status: TestCaseStatus.Failed,
  durationMs: 1.5,
  message: 'expected 2, got 3',
  details: 'AssertionError: expected 2, got 3\n    at Cart.pay (cart.ts:10:3)',
};

const LINT_FAILED: TestCase = {
  suite: 'lint',
  name: 'style',
  classname: 'lint',
  status: TestCaseStatus.Failed,
  durationMs: 0,
  message: 'bad',
};

const REPORT: TestReport = {
  suites: [
    {
      name: 'cart',
      tests: 3,
      failures: 1,
      errors: 0,
      skipped: 0,
      durationMs: 2.25,
      cases: [
        { suite: 'cart', name: 'adds', classname: 'shop.Cart', status: 'passed', durationMs: 0.5 },
        PAYS,
        {
          suite: 'cart',
          name: 'lists',
          classname: 'shop.Cart',
          status: 'passed',
          durationMs: 0.25,
        },
      ],
    },
    {
      name: 'boot',
      tests: 2,
      failures: 0,
      errors: 1,
      skipped: 1,
      durationMs: 0,
      cases: [
        {
          suite: 'boot',
          name: 'boots',
          classname: 'shop.Boot',
          status: 'errored',
          durationMs: 0,
          message: 'ECONNREFUSED',
        },
        {
          suite: 'boot',
          name: 'ships',
          classname: 'shop.Boot',
          status: 'skipped',
          durationMs: 0,
          message: 'not today',
        },
      ],
    },
  ],
  totals: { tests: 5, passed: 2, failed: 1, errored: 1, skipped: 1, durationMs: 2.25 },
};

function reportOf(cases: TestCase[]): TestReport {
  const failed = cases.filter((c) => c.status === TestCaseStatus.Failed).length;
  return {
    suites: [
      {
        name: cases[0]?.suite ?? 'suite',
        tests: cases.length,
        failures: failed,
        errors: 0,
        skipped: 0,
        durationMs: 0,
        cases,
      },
    ],
    totals: {
      tests: cases.length,
      passed: cases.length - failed,
      failed,
      errored: 0,
      skipped: 0,
      durationMs: 0,
    },
  };
}

function sha(text: string): string {
  return Buffer.from(text).toString('hex').padEnd(64, '0').slice(0, 64);
}

let projects = 0;

function newRun(projectId: string, taskIds: readonly string[]): NewRun {
  const tasks = taskIds.map((id): PlanTask => ({
    id,
    name: id,
    kind: TaskKind.Main,
    matrix: null,
    needs: [],
    when: null,
    image: null,
    runsOn: [],
    env: {},
    steps: [],
    timeoutMs: null,
    retries: { count: 0, backoffMs: 0, maxBackoffMs: 0 },
    results: [],
    reports: ['reports/*.xml'],
    artifacts: ['dist/**'],
    template: null,
    matrixGroup: null,
  }));
  const plan: Plan = {
    schemaVersion: 1,
    pipeline: 'ci',
    source: { file: '.slipway.yml' },
    params: {},
    trigger: { event: TriggerEvent.Push, branch: 'main', commit: 'abc' },
    timeoutMs: null,
    concurrency: null,
    tasks,
  };
  return { projectId, plan, trigger: plan.trigger, state: {}, createdAt: T0 };
}

/** A new project and run whose tasks each have a first attempt claimed by {@link AGENT}. */
async function runWithAttempts(
  store: ControlStore,
  taskIds: readonly string[],
): Promise<{ run: RunRecord; attempts: ClaimedAttempt[] }> {
  projects += 1;
  const project = await store.createProject({
    name: `outputs-${projects}`,
    source: '/srv/git/outputs.git',
    defaultBranch: 'main',
  });
  const run = await store.createRun(newRun(project.id, taskIds));
  const label = `run-${run.id}`;
  await store.updateRun(run.id, (current) => ({
    state: current.state,
    status: RunStatus.Running,
    tasks: taskIds.map((taskId) => ({
      taskId,
      status: TaskStatus.Running,
      attempt: 1,
      reason: null,
    })),
    queue: taskIds.map((taskId) => ({ taskId, attempt: 1, labels: [label] })),
    stop: [],
    applied: [],
    wakeAt: null,
    now: T0,
    result: undefined,
  }));
  const attempts = await store.claimAttempts({
    agentId: AGENT,
    labels: [label],
    max: taskIds.length,
    now: T0,
    leaseUntil: T0 + 365 * DAY,
  });
  expect(attempts).toHaveLength(taskIds.length);
  return { run, attempts };
}

function attempt(attempts: readonly ClaimedAttempt[], taskId: string): ClaimedAttempt {
  const found = attempts.find((a) => a.taskId === taskId);
  if (!found) throw new Error(`no attempt of ${taskId}`);
  return found;
}

function held(a: ClaimedAttempt): { attemptId: string; agentId: string } {
  return { attemptId: a.attemptId, agentId: AGENT };
}

async function settle(store: ControlStore, a: ClaimedAttempt): Promise<void> {
  const finished = await store.finishAttempt({
    ...held(a),
    outcome: AttemptOutcome.Succeeded,
    results: {},
    error: null,
    now: T0 + 1,
  });
  expect(finished).toBe(true);
}

async function log(store: ControlStore, a: ClaimedAttempt): Promise<void> {
  await store.appendLogs([
    { attemptId: a.attemptId, step: 0, seq: 0, stream: 'stdout', text: 'hello\n', at: T0 },
  ]);
}

async function finishRun(store: ControlStore, run: RunRecord, at: number): Promise<void> {
  await store.updateRun(run.id, (current) => ({
    state: current.state,
    status: RunStatus.Succeeded,
    tasks: [],
    queue: [],
    stop: [],
    applied: [],
    wakeAt: null,
    now: at,
    result: undefined,
  }));
}
