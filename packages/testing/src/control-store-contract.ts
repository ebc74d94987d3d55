import { describeControlStoreAgentsContract } from './control-store-agents-contract.js';
import { describeControlStoreFinishAndClaimContract } from './control-store-finish-and-claim-contract.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AttemptOutcome,
  RunStatus,
  TaskKind,
  TaskStatus,
  TriggerEvent,
  UserError,
  type ClaimedAttempt,
  type ControlStore,
  type LogChunk,
  type Plan,
  type PlanTask,
  type Project,
  type QueuedAttempt,
  type RunRecord,
  type RunSnapshot,
  type RunUpdate,
  type TaskChange,
  type TriggerFacts,
} from '@slipway/core';
import { describeRunOutputsContract } from './run-outputs-contract.js';
import { describeControlStoreSecretsContract } from './control-store-secrets-contract.js';
import { describeControlStoreAccessContract } from './control-store-access-contract.js';
import { describeControlStoreGroupsContract } from './control-store-groups-contract.js';
import { describeControlStoreUserGroupsContract } from './control-store-user-groups-contract.js';
import { describeControlStoreStatsContract } from './control-store-stats-contract.js';
import { describeControlStoreApprovalsContract } from './control-store-approvals-contract.js';
import { describeControlStoreTriggerEventsContract } from './control-store-trigger-events-contract.js';
import { describeControlStoreSchedulesContract } from './control-store-schedules-contract.js';
import { describeControlStoreChatContract } from './control-store-chat-contract.js';
import {
  describeControlStoreCommitStatusesContract,
  describeControlStorePullRequestsContract,
} from './control-store-commit-statuses-contract.js';

/** What an implementation may add to {@link describeControlStoreContract}. */
export interface ControlStoreContractOptions {
  /**
   * Opens two stores over the same fresh data through separate connections (separate
   * pools), as two server processes would; enables the tests of stores sharing one
   * database.
   */
  readonly openTwo?: () => Promise<readonly [ControlStore, ControlStore]>;
}

/** A time past 2^31 ms, so times must survive as 64-bit values. */
const T0 = 1_750_000_000_000;

const TRIGGER: TriggerFacts = { event: TriggerEvent.Push, branch: 'main', commit: 'abc123' };

/**
 * Declares the tests every {@link ControlStore} must pass. `open` is called once per test
 * and must return a store over fresh, empty data; the suite closes it.
 */
export function describeControlStoreContract(
  name: string,
  open: () => Promise<ControlStore>,
  options: ControlStoreContractOptions = {},
): void {
  describe(`${name} control store contract`, () => {
    let store: ControlStore;
    const extra: ControlStore[] = [];

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
      for (const other of extra.splice(0)) await other.close();
    });

    describe('projects', () => {
      it('creates projects and finds them by id or name', async () => {
        const project = await store.createProject({
          name: 'shop',
          source: 'https://git.example/shop.git',
          defaultBranch: 'main',
        });
        expect(project).toMatchObject({
          name: 'shop',
          source: 'https://git.example/shop.git',
          defaultBranch: 'main',
        });
        expect(project.id).not.toBe('');
        expect(project.createdAt).toBeGreaterThan(0);
        expect(await store.findProject(project.id)).toEqual(project);
        expect(await store.findProject('shop')).toEqual(project);
        expect(await store.findProject('nothing')).toBeNull();
      });

      it("changes a project's default branch", async () => {
        const project = await store.createProject({
          name: 'shop',
          source: '/src/shop',
          defaultBranch: 'main',
        });
        const changed = await store.setProjectDefaultBranch(project.id, 'trunk');
        expect(changed).toEqual({ ...project, defaultBranch: 'trunk' });
        expect(await store.findProject('shop')).toEqual(changed);
        expect(await store.setProjectDefaultBranch('prj_none', 'trunk')).toBeNull();
      });

      it('lists projects by name', async () => {
        await store.createProject({ name: 'web', source: '/src/web', defaultBranch: 'main' });
        await store.createProject({ name: 'api', source: '/src/api', defaultBranch: 'trunk' });
        expect((await store.listProjects()).map((p) => p.name)).toEqual(['api', 'web']);
      });

      it('refuses a second project with the same name as a user error', async () => {
        await store.createProject({ name: 'shop', source: '/a', defaultBranch: 'main' });
        await expect(
          store.createProject({ name: 'shop', source: '/b', defaultBranch: 'main' }),
        ).rejects.toBeInstanceOf(UserError);
        expect(await store.listProjects()).toHaveLength(1);
      });
    });

    describe('runs', () => {
      it('stores a queued run with its plan, trigger and a pending row per task', async () => {
        const project = await newProject(store);
        const plan = makePlan(['build', 'test[node=20]', 'cleanup']);
        const run = await store.createRun({
          projectId: project.id,
          plan,
          trigger: TRIGGER,
          state: { initial: true },
          createdAt: T0,
        });
        expect(run).toMatchObject({
          projectId: project.id,
          number: 1,
          pipeline: 'ci',
          status: RunStatus.Queued,
          trigger: TRIGGER,
          createdAt: T0,
          startedAt: null,
          finishedAt: null,
        });
        expect(run.plan).toEqual(plan);
        expect(await store.getRun(run.id)).toEqual(run);
        expect(await store.listTasks(run.id)).toEqual(
          ['build', 'test[node=20]', 'cleanup'].map((taskId) => ({
            runId: run.id,
            taskId,
            status: TaskStatus.Pending,
            attempt: 0,
            reason: null,
            results: {},
            attemptId: null,
            startedAt: null,
            finishedAt: null,
          })),
        );
      });

      it('lists only the tasks asked for, in plan order, ignoring ids the run has not', async () => {
        const project = await newProject(store);
        const run = await newRun(store, project.id, {
          tasks: ['build', 'test[node=20]', 'cleanup'],
        });
        const ids = (tasks: readonly { taskId: string }[]) => tasks.map((t) => t.taskId);
        expect(ids(await store.listTasks(run.id, ['cleanup', 'build', 'no-such-task']))).toEqual([
          'build',
          'cleanup',
        ]);
        expect(await store.listTasks(run.id, [])).toEqual([]);
        const many = [...Array.from({ length: 600 }, (_, i) => `other-${i}`), 'test[node=20]'];
        expect(ids(await store.listTasks(run.id, many))).toEqual(['test[node=20]']);
      });

      it('numbers runs per project', async () => {
        const a = await newProject(store, 'a');
        const b = await newProject(store, 'b');
        const numbers = [];
        for (const project of [a, a, b, a, b]) {
          numbers.push((await newRun(store, project.id)).number);
        }
        expect(numbers).toEqual([1, 2, 1, 3, 2]);
      });

      it('gives concurrent runs of one project distinct numbers', async () => {
        const project = await newProject(store);
        const runs = await Promise.all(Array.from({ length: 20 }, () => newRun(store, project.id)));
        expect(runs.map((r) => r.number).sort((x, y) => x - y)).toEqual(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
      });

      it('refuses a run of an unknown project as a user error', async () => {
        await expect(newRun(store, 'no-such-project')).rejects.toBeInstanceOf(UserError);
      });

      it('answers null for an unknown run and no tasks for it', async () => {
        expect(await store.getRun('no-such-run')).toBeNull();
        expect(await store.listTasks('no-such-run')).toEqual([]);
      });

      it('lists runs newest first, filtered and paged', async () => {
        const a = await newProject(store, 'a');
        const b = await newProject(store, 'b');
        const a1 = await newRun(store, a.id, { createdAt: T0 + 1 });
        const b1 = await newRun(store, b.id, { createdAt: T0 + 2 });
        const a2 = await newRun(store, a.id, { createdAt: T0 + 3, pipeline: 'release' });
        const a3 = await newRun(store, a.id, { createdAt: T0 + 4 });
        const b2 = await newRun(store, b.id, { createdAt: T0 + 5 });
        await update(store, a2.id, { status: RunStatus.Running });

        const ids = (runs: RunRecord[]): string[] => runs.map((r) => r.id);
        expect(ids(await store.listRuns({ limit: 10 }))).toEqual(ids([b2, a3, a2, b1, a1]));
        expect(ids(await store.listRuns({ projectId: a.id, limit: 10 }))).toEqual(
          ids([a3, a2, a1]),
        );
        expect(ids(await store.listRuns({ projectId: a.id, limit: 2 }))).toEqual(ids([a3, a2]));
        expect(ids(await store.listRuns({ projectId: a.id, before: 3, limit: 10 }))).toEqual(
          ids([a2, a1]),
        );
        expect(ids(await store.listRuns({ status: RunStatus.Running, limit: 10 }))).toEqual(
          ids([a2]),
        );
        expect(ids(await store.listRuns({ pipeline: 'ci', limit: 10 }))).toEqual(
          ids([b2, a3, b1, a1]),
        );
        expect(
          ids(await store.listRuns({ projectId: b.id, status: RunStatus.Queued, limit: 10 })),
        ).toEqual(ids([b2, b1]));
        await expect(store.listRuns({ before: 3, limit: 10 })).rejects.toThrow();
        const c = await newProject(store, 'c');
        const onFix = { ...TRIGGER, branch: "fix/it's" };
        const c1 = await newRun(store, c.id, { createdAt: T0 + 6, trigger: onFix });
        await newRun(store, c.id, { createdAt: T0 + 7 });
        const c3 = await newRun(store, c.id, { createdAt: T0 + 8, trigger: onFix });
        await newRun(store, c.id, {
          createdAt: T0 + 9,
          trigger: { event: TriggerEvent.Push, tag: "fix/it's", commit: 'abc123' },
        });
        expect(
          ids(await store.listRuns({ projectId: c.id, branch: "fix/it's", limit: 10 })),
        ).toEqual(ids([c3, c1]));
        expect(
          ids(await store.listRuns({ projectId: c.id, branch: "fix/it's", before: 3, limit: 10 })),
        ).toEqual(ids([c1]));
        expect(await store.listRuns({ projectId: c.id, branch: 'nowhere', limit: 10 })).toEqual([]);
        const listed = await store.listRuns({ projectId: a.id, limit: 1 });
        expect(listed[0]).toEqual(await store.getRun(a3.id));
      });
    });

    describe('createAndUpdateRun', () => {
      it('stores a run and applies `change` to it, answering the run as stored after', async () => {
        const project = await newProject(store);
        const seen: RunSnapshot[] = [];
        const { run, result } = await store.createAndUpdateRun(
          {
            projectId: project.id,
            plan: makePlan(['build', 'test']),
            trigger: TRIGGER,
            state: { step: 0 },
            createdAt: T0,
          },
          (current) => {
            seen.push(current);
            return updateOf({
              state: { step: 1 },
              status: RunStatus.Running,
              tasks: [task('build', TaskStatus.Running, 1)],
              queue: [{ taskId: 'build', attempt: 1, labels: [] }],
              now: T0 + 1,
              result: 'started',
            });
          },
        );
        expect(result).toBe('started');
        expect(seen[0]?.state).toEqual({ step: 0 });
        expect(seen[0]?.run).toMatchObject({ id: run.id, status: RunStatus.Queued, number: 1 });
        expect(run).toEqual(await store.getRun(run.id));
        expect(run).toMatchObject({ status: RunStatus.Running, startedAt: T0 + 1, number: 1 });
        expect(await currentState(store, run.id)).toEqual({ step: 1 });
        const claimed = await claim(store, 'agent-1');
        expect(claimed.map((a) => [a.runId, a.taskId])).toEqual([[run.id, 'build']]);
      });

      it('stores nothing when `change` throws', async () => {
        const project = await newProject(store);
        await expect(
          store.createAndUpdateRun(
            {
              projectId: project.id,
              plan: makePlan(['build']),
              trigger: TRIGGER,
              state: {},
              createdAt: T0,
            },
            () => {
              throw new Error('scheduler bug');
            },
          ),
        ).rejects.toThrow('scheduler bug');
        expect(await store.listRuns({ projectId: project.id, limit: 10 })).toEqual([]);
        expect((await newRun(store, project.id)).number).toBe(1);
      });
    });

    describe('updateRun', () => {
      it('hands `change` the run and its stored state and returns its result', async () => {
        const run = await newRun(store, (await newProject(store)).id, {
          state: { step: 0, nested: { list: [1, 2] } },
        });
        const seen: RunSnapshot[] = [];
        const result = await store.updateRun(run.id, (current) => {
          seen.push(current);
          return updateOf({ state: { step: 1 }, result: 'first' });
        });
        expect(result).toBe('first');
        expect(seen.at(-1)?.run).toEqual(run);
        expect(seen.at(-1)?.state).toEqual({ step: 0, nested: { list: [1, 2] } });
        await store.updateRun(run.id, (current) => {
          seen.push(current);
          return updateOf({ state: current.state });
        });
        expect(seen.at(-1)?.state).toEqual({ step: 1 });
      });

      it('refuses an unknown run as a user error', async () => {
        await expect(store.updateRun('no-such-run', () => updateOf({}))).rejects.toBeInstanceOf(
          UserError,
        );
      });

      it('records when the run started and finished', async () => {
        const run = await newRun(store, (await newProject(store)).id);
        await update(store, run.id, { status: RunStatus.Running, now: T0 + 10 });
        expect(await store.getRun(run.id)).toMatchObject({
          status: RunStatus.Running,
          startedAt: T0 + 10,
          finishedAt: null,
        });
        await update(store, run.id, { status: RunStatus.Running, now: T0 + 20 });
        await update(store, run.id, { status: RunStatus.Succeeded, now: T0 + 30 });
        expect(await store.getRun(run.id)).toMatchObject({
          status: RunStatus.Succeeded,
          startedAt: T0 + 10,
          finishedAt: T0 + 30,
        });
      });

      it('never changes the status of a finished run', async () => {
        const run = await newRun(store, (await newProject(store)).id);
        await update(store, run.id, { status: RunStatus.Cancelled, now: T0 + 5 });
        await expect(update(store, run.id, { status: RunStatus.Running })).rejects.toThrow();
        expect(await store.getRun(run.id)).toMatchObject({
          status: RunStatus.Cancelled,
          finishedAt: T0 + 5,
        });
      });

      it('writes task status, attempt, reason, results and times', async () => {
        const run = await newRun(store, (await newProject(store)).id, {
          tasks: ['build', 'test'],
        });
        await update(store, run.id, {
          status: RunStatus.Running,
          now: T0 + 1,
          tasks: [task('build', TaskStatus.Running, 1)],
        });
        await update(store, run.id, {
          now: T0 + 2,
          tasks: [
            task('build', TaskStatus.Succeeded, 1, { results: { version: '1.2.3' } }),
            task('test', TaskStatus.Skipped, 0, { reason: 'when was false' }),
          ],
        });
        const [build, test] = await store.listTasks(run.id);
        expect(build).toMatchObject({
          taskId: 'build',
          status: TaskStatus.Succeeded,
          attempt: 1,
          reason: null,
          results: { version: '1.2.3' },
          startedAt: T0 + 1,
          finishedAt: T0 + 2,
        });
        expect(test).toMatchObject({
          taskId: 'test',
          status: TaskStatus.Skipped,
          reason: 'when was false',
          results: {},
          startedAt: null,
          finishedAt: T0 + 2,
        });
      });

      it('keeps results a change does not mention', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['build'] });
        await update(store, run.id, {
          tasks: [task('build', TaskStatus.Running, 1, { results: { a: '1' } })],
        });
        await update(store, run.id, { tasks: [task('build', TaskStatus.Succeeded, 1)] });
        expect((await store.listTasks(run.id))[0]?.results).toEqual({ a: '1' });
      });

      it('never changes a settled task and then writes nothing of the update', async () => {
        const run = await newRun(store, (await newProject(store)).id, {
          tasks: ['build'],
          state: { v: 0 },
        });
        await update(store, run.id, {
          state: { v: 1 },
          tasks: [task('build', TaskStatus.Failed, 1, { reason: 'exit 1' })],
        });
        await expect(
          update(store, run.id, {
            state: { v: 2 },
            status: RunStatus.Running,
            tasks: [task('build', TaskStatus.Running, 2)],
          }),
        ).rejects.toThrow();
        expect(await currentState(store, run.id)).toEqual({ v: 1 });
        expect((await store.getRun(run.id))?.status).toBe(RunStatus.Queued);
        expect((await store.listTasks(run.id))[0]).toMatchObject({
          status: TaskStatus.Failed,
          reason: 'exit 1',
        });
      });

      it('writes nothing when `change` throws', async () => {
        const run = await newRun(store, (await newProject(store)).id, { state: { v: 0 } });
        await expect(
          store.updateRun(run.id, () => {
            throw new Error('scheduler bug');
          }),
        ).rejects.toThrow('scheduler bug');
        expect(await currentState(store, run.id)).toEqual({ v: 0 });
      });

      it('queues attempts that listTasks and claims then show', async () => {
        const run = await newRun(store, (await newProject(store)).id, {
          tasks: ['build', 'test'],
        });
        await update(store, run.id, {
          status: RunStatus.Running,
          tasks: [task('build', TaskStatus.Running, 1)],
          queue: [{ taskId: 'build', attempt: 1, labels: [] }],
        });
        const [build, test] = await store.listTasks(run.id);
        expect(build?.attemptId).toEqual(expect.any(String));
        expect(test?.attemptId).toBeNull();
        const claimed = await claim(store, 'agent-1');
        expect(claimed).toEqual([
          {
            attemptId: build?.attemptId,
            runId: run.id,
            taskId: 'build',
            attempt: 1,
            plan: run.plan,
            queuedAt: T0,
          },
        ]);
      });

      it('points a task at its latest attempt after a retry', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['build'] });
        await update(store, run.id, { queue: [{ taskId: 'build', attempt: 1, labels: [] }] });
        const [first] = await claim(store, 'agent-1');
        await finish(store, first, 'agent-1', AttemptOutcome.Failed);
        await update(store, run.id, {
          tasks: [task('build', TaskStatus.Running, 2)],
          queue: [{ taskId: 'build', attempt: 2, labels: [] }],
          applied: [first?.attemptId ?? ''],
        });
        const [second] = await claim(store, 'agent-1');
        expect(second?.attempt).toBe(2);
        expect((await store.listTasks(run.id))[0]).toMatchObject({
          attempt: 2,
          attemptId: second?.attemptId,
        });
      });

      it('serializes concurrent updates of one run', async () => {
        const run = await newRun(store, (await newProject(store)).id, { state: { count: 0 } });
        await Promise.all(Array.from({ length: 20 }, () => increment(store, run.id)));
        expect(await currentState(store, run.id)).toEqual({ count: 20 });
      });

      it('marks applied outcomes so they are not handed out again', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a', 'b'] });
        await update(store, run.id, {
          queue: [
            { taskId: 'a', attempt: 1, labels: [] },
            { taskId: 'b', attempt: 1, labels: [] },
          ],
        });
        const [a, b] = await claim(store, 'agent-1');
        await finish(store, a, 'agent-1', AttemptOutcome.Succeeded, T0 + 1);
        await finish(store, b, 'agent-1', AttemptOutcome.Failed, T0 + 2);
        expect((await store.unappliedOutcomes(10)).map((o) => o.attemptId)).toEqual([
          a?.attemptId,
          b?.attemptId,
        ]);
        await update(store, run.id, { applied: [a?.attemptId ?? ''] });
        expect((await store.unappliedOutcomes(10)).map((o) => o.attemptId)).toEqual([b?.attemptId]);
      });
    });

    describe('stop requests', () => {
      it('answers a renewal with stop and its mode; kill wins over cancel', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a', 'b'] });
        await update(store, run.id, {
          queue: [
            { taskId: 'a', attempt: 1, labels: [] },
            { taskId: 'b', attempt: 1, labels: [] },
          ],
        });
        const [a, b] = await claim(store, 'agent-1');
        const ids = [a?.attemptId ?? '', b?.attemptId ?? ''];
        await update(store, run.id, { stop: [{ taskId: 'a', attempt: 1, mode: 'cancel' }] });
        expect(await store.renewLeases('agent-1', ids, T0 + 60_000)).toEqual({
          [ids[0] ?? '']: { status: 'stop', mode: 'cancel' },
          [ids[1] ?? '']: { status: 'ok' },
        });
        await update(store, run.id, { stop: [{ taskId: 'a', attempt: 1, mode: 'kill' }] });
        await update(store, run.id, { stop: [{ taskId: 'a', attempt: 1, mode: 'cancel' }] });
        expect((await store.renewLeases('agent-1', ids, T0 + 60_000))[ids[0] ?? '']).toEqual({
          status: 'stop',
          mode: 'kill',
        });
        expect(
          await store.finishAttempt({
            attemptId: ids[0] ?? '',
            agentId: 'agent-1',
            outcome: AttemptOutcome.Cancelled,
            results: {},
            error: 'killed',
            now: T0 + 5,
          }),
        ).toBe(true);
      });

      it('settles an attempt no agent claimed yet as cancelled, at once', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a'] });
        await update(store, run.id, { queue: [{ taskId: 'a', attempt: 1, labels: [] }] });
        const attemptId = (await store.listTasks(run.id))[0]?.attemptId;
        await update(store, run.id, {
          now: T0 + 7,
          stop: [{ taskId: 'a', attempt: 1, mode: 'cancel' }],
        });
        expect(await claim(store, 'agent-1')).toEqual([]);
        expect(await store.unappliedOutcomes(10)).toEqual([
          {
            attemptId,
            runId: run.id,
            taskId: 'a',
            attempt: 1,
            outcome: AttemptOutcome.Cancelled,
            results: {},
            error: expect.any(String) as unknown,
            finishedAt: T0 + 7,
            claimedAt: null,
          },
        ]);
      });

      it('ignores stops of settled or unknown attempts', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a'] });
        await update(store, run.id, { queue: [{ taskId: 'a', attempt: 1, labels: [] }] });
        const [a] = await claim(store, 'agent-1');
        await finish(store, a, 'agent-1', AttemptOutcome.Succeeded, T0 + 3);
        await update(store, run.id, {
          stop: [
            { taskId: 'a', attempt: 1, mode: 'kill' },
            { taskId: 'a', attempt: 9, mode: 'kill' },
          ],
        });
        expect(await store.unappliedOutcomes(10)).toMatchObject([
          { attemptId: a?.attemptId, outcome: AttemptOutcome.Succeeded, finishedAt: T0 + 3 },
        ]);
      });
    });

    describe('claimAttempts', () => {
      it('hands out only attempts whose every label the agent has', async () => {
        const run = await newRun(store, (await newProject(store)).id, {
          tasks: ['any', 'linux', 'gpu'],
        });
        await update(store, run.id, {
          queue: [
            { taskId: 'any', attempt: 1, labels: [] },
            { taskId: 'linux', attempt: 1, labels: ['linux'] },
            { taskId: 'gpu', attempt: 1, labels: ['linux', 'gpu'] },
          ],
        });
        expect((await claim(store, 'bare', [])).map((c) => c.taskId)).toEqual(['any']);
        expect((await claim(store, 'mac', ['mac', 'gpu'])).map((c) => c.taskId)).toEqual([]);
        expect((await claim(store, 'box', ['linux', 'docker'])).map((c) => c.taskId)).toEqual([
          'linux',
        ]);
        expect((await claim(store, 'big', ['gpu', 'linux', 'x'])).map((c) => c.taskId)).toEqual([
          'gpu',
        ]);
      });

      it('hands out at most `max`, oldest first and in plan order', async () => {
        const project = await newProject(store);
        const early = await newRun(store, project.id, { tasks: ['e1', 'e2'] });
        const late = await newRun(store, project.id, { tasks: ['l1', 'l2', 'l3'] });
        await update(store, late.id, {
          now: T0 + 20,
          queue: ['l3', 'l1', 'l2'].map((taskId) => ({ taskId, attempt: 1, labels: [] })),
        });
        await update(store, early.id, {
          now: T0 + 10,
          queue: ['e2', 'e1'].map((taskId) => ({ taskId, attempt: 1, labels: [] })),
        });
        const first = await claim(store, 'agent-1', [], 3);
        expect(first.map((c) => c.taskId)).toEqual(['e1', 'e2', 'l1']);
        expect(first.map((c) => c.runId)).toEqual([early.id, early.id, late.id]);
        const rest = await claim(store, 'agent-2', [], 10);
        expect(rest.map((c) => c.taskId)).toEqual(['l2', 'l3']);
        expect(rest[0]?.plan).toEqual(late.plan);
        expect(await claim(store, 'agent-3', [], 10)).toEqual([]);
        expect(await claim(store, 'agent-3', [], 0)).toEqual([]);
      });

      it('hands each of 200 attempts to exactly one of 20 concurrent claimers', async () => {
        await queueMany(store, 4, 50);
        const claimed = await claimConcurrently(
          Array.from({ length: 20 }, (_, i) => ({ store, agentId: `agent-${i}` })),
        );
        expectEachOnce(claimed, 200);
      });

      if (options.openTwo !== undefined) {
        const openTwo = options.openTwo;
        it('hands each attempt to one claimer across two stores on one database', async () => {
          const [first, second] = await openTwo();
          extra.push(first, second);
          await queueMany(first, 4, 50);
          const claimed = await claimConcurrently(
            Array.from({ length: 20 }, (_, i) => ({
              store: i % 2 === 0 ? first : second,
              agentId: `agent-${i}`,
            })),
          );
          expectEachOnce(claimed, 200);
        });

        it('serializes updates of one run across two stores on one database', async () => {
          const [first, second] = await openTwo();
          extra.push(first, second);
          const run = await newRun(first, (await newProject(first)).id, { state: { count: 0 } });
          await Promise.all(
            Array.from({ length: 20 }, (_, i) => increment(i % 2 === 0 ? first : second, run.id)),
          );
          expect(await currentState(second, run.id)).toEqual({ count: 20 });
        });

        it('reports each expired lease once across two stores on one database', async () => {
          const [first, second] = await openTwo();
          extra.push(first, second);
          await queueMany(first, 2, 25);
          const claimed = await claimConcurrently([{ store: first, agentId: 'agent-1' }]);
          expect(claimed).toHaveLength(50);
          const expired = await Promise.all([
            first.expireLeases(T0 + 120_000),
            second.expireLeases(T0 + 120_000),
          ]);
          expectEachOnce(expired.flat(), 50);
        });
      }
    });

    describe('leases of attempts', () => {
      it('renews leases the agent holds and answers gone for the rest', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a', 'b'] });
        await update(store, run.id, {
          queue: [
            { taskId: 'a', attempt: 1, labels: [] },
            { taskId: 'b', attempt: 1, labels: [] },
          ],
        });
        const [a] = await claim(store, 'agent-1', [], 1, T0 + 1000);
        const [b] = await claim(store, 'agent-2', [], 1, T0 + 1000);
        const aId = a?.attemptId ?? '';
        const bId = b?.attemptId ?? '';
        expect(await store.renewLeases('agent-1', [aId, bId, 'unknown'], T0 + 5000)).toEqual({
          [aId]: { status: 'ok' },
          [bId]: { status: 'gone' },
          unknown: { status: 'gone' },
        });
        expect(await store.renewLeases('agent-1', [], T0 + 5000)).toEqual({});
        // a's lease now runs to T0 + 5000, b's still ends at T0 + 1000.
        expect((await store.expireLeases(T0 + 2000)).map((r) => r.attemptId)).toEqual([bId]);
        expect(await store.renewLeases('agent-2', [bId], T0 + 9000)).toEqual({
          [bId]: { status: 'gone' },
        });
      });

      it('records lost for leases that ended before now, and refuses the old agent', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a'] });
        await update(store, run.id, { queue: [{ taskId: 'a', attempt: 1, labels: [] }] });
        const [a] = await claim(store, 'agent-1', [], 1, T0 + 1000);
        expect(await store.expireLeases(T0 + 1000)).toEqual([]);
        expect(await store.expireLeases(T0 + 1001)).toEqual([
          { attemptId: a?.attemptId, runId: run.id, taskId: 'a', attempt: 1 },
        ]);
        expect(await store.expireLeases(T0 + 1002)).toEqual([]);
        expect(await store.unappliedOutcomes(10)).toEqual([
          {
            attemptId: a?.attemptId,
            runId: run.id,
            taskId: 'a',
            attempt: 1,
            outcome: AttemptOutcome.Lost,
            results: {},
            error: expect.any(String) as unknown,
            finishedAt: T0 + 1001,
            claimedAt: T0,
          },
        ]);
        expect(await finish(store, a, 'agent-1', AttemptOutcome.Succeeded)).toBe(false);
        expect(await store.renewLeases('agent-1', [a?.attemptId ?? ''], T0 + 9000)).toEqual({
          [a?.attemptId ?? '']: { status: 'gone' },
        });
      });

      it('leaves queued attempts alone when expiring leases', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a'] });
        await update(store, run.id, { queue: [{ taskId: 'a', attempt: 1, labels: [] }] });
        expect(await store.expireLeases(T0 + 10_000_000)).toEqual([]);
        expect(await claim(store, 'agent-1')).toHaveLength(1);
      });
    });

    describe('task timeouts enforced by the server', () => {
      it('lists held attempts, earliest claim first, with their agent', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a', 'b', 'c'] });
        await update(store, run.id, {
          queue: ['a', 'b', 'c'].map((taskId) => ({ taskId, attempt: 1, labels: [] })),
        });
        const [first] = await store.claimAttempts({
          agentId: 'agent-1',
          labels: [],
          max: 1,
          now: T0 + 5,
          leaseUntil: T0 + 60_000,
        });
        const [second] = await store.claimAttempts({
          agentId: 'agent-2',
          labels: [],
          max: 1,
          now: T0 + 9,
          leaseUntil: T0 + 60_000,
        });
        expect(await finish(store, second, 'agent-2', AttemptOutcome.Succeeded)).toBe(true);
        const [third] = await store.claimAttempts({
          agentId: 'agent-2',
          labels: [],
          max: 1,
          now: T0 + 7,
          leaseUntil: T0 + 60_000,
        });
        const held = (a: ClaimedAttempt | undefined, agentId: string, claimedAt: number) => ({
          attemptId: a?.attemptId,
          runId: run.id,
          taskId: a?.taskId,
          attempt: 1,
          agentId,
          claimedAt,
        });
        expect(await store.listHeldAttempts(10)).toEqual([
          held(first, 'agent-1', T0 + 5),
          held(third, 'agent-2', T0 + 7),
        ]);
        expect(await store.listHeldAttempts(1)).toEqual([held(first, 'agent-1', T0 + 5)]);
      });

      it('settles held attempts as timed out once, and answers their agent gone', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a', 'b'] });
        await update(store, run.id, {
          queue: ['a', 'b'].map((taskId) => ({ taskId, attempt: 1, labels: [] })),
        });
        const [a, b] = await claim(store, 'agent-1');
        expect(await finish(store, b, 'agent-1', AttemptOutcome.Failed)).toBe(true);
        const timeouts = [a, b].map((x) => ({ attemptId: x?.attemptId ?? '', error: 'too long' }));

        expect(await store.timeOutAttempts(timeouts, T0 + 500)).toEqual([
          { attemptId: a?.attemptId, runId: run.id, taskId: 'a', attempt: 1 },
        ]);
        expect(await store.timeOutAttempts(timeouts, T0 + 600)).toEqual([]);
        const outcomes = await store.unappliedOutcomes(10);
        expect(outcomes.find((o) => o.taskId === 'a')).toEqual({
          attemptId: a?.attemptId,
          runId: run.id,
          taskId: 'a',
          attempt: 1,
          outcome: AttemptOutcome.TimedOut,
          results: {},
          error: 'too long',
          finishedAt: T0 + 500,
          claimedAt: T0,
        });
        expect(outcomes.find((o) => o.taskId === 'b')?.outcome).toBe(AttemptOutcome.Failed);
        expect(await store.listHeldAttempts(10)).toEqual([]);
        expect(await store.renewLeases('agent-1', [a?.attemptId ?? ''], T0 + 9000)).toEqual({
          [a?.attemptId ?? '']: { status: 'gone' },
        });
        expect(await finish(store, a, 'agent-1', AttemptOutcome.Succeeded)).toBe(false);
      });
    });

    describe('finishAttempt', () => {
      it('records the outcome of an attempt the agent holds, once', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a'] });
        await update(store, run.id, { queue: [{ taskId: 'a', attempt: 1, labels: [] }] });
        const [a] = await claim(store, 'agent-1');
        const finishOf = (agentId: string, outcome: AttemptOutcome) =>
          store.finishAttempt({
            attemptId: a?.attemptId ?? '',
            agentId,
            outcome,
            results: { digest: 'sha256:1' },
            error: null,
            now: T0 + 50,
          });
        expect(await finishOf('agent-2', AttemptOutcome.Failed)).toBe(false);
        expect(await finishOf('agent-1', AttemptOutcome.Succeeded)).toBe(true);
        expect(await finishOf('agent-1', AttemptOutcome.Failed)).toBe(false);
        expect(await store.unappliedOutcomes(10)).toEqual([
          {
            attemptId: a?.attemptId,
            runId: run.id,
            taskId: 'a',
            attempt: 1,
            outcome: AttemptOutcome.Succeeded,
            results: { digest: 'sha256:1' },
            error: null,
            finishedAt: T0 + 50,
            claimedAt: T0,
          },
        ]);
        expect(await store.renewLeases('agent-1', [a?.attemptId ?? ''], T0 + 60)).toEqual({
          [a?.attemptId ?? '']: { status: 'gone' },
        });
      });

      it('refuses to finish an attempt nobody claimed', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a'] });
        await update(store, run.id, { queue: [{ taskId: 'a', attempt: 1, labels: [] }] });
        const attemptId = (await store.listTasks(run.id))[0]?.attemptId ?? '';
        expect(
          await store.finishAttempt({
            attemptId,
            agentId: 'agent-1',
            outcome: AttemptOutcome.Succeeded,
            results: {},
            error: null,
            now: T0,
          }),
        ).toBe(false);
        expect(await store.unappliedOutcomes(10)).toEqual([]);
      });

      it('hands out unapplied outcomes oldest first, at most `limit`', async () => {
        const run = await newRun(store, (await newProject(store)).id, { tasks: ['a', 'b', 'c'] });
        await update(store, run.id, {
          queue: ['a', 'b', 'c'].map((taskId) => ({ taskId, attempt: 1, labels: [] })),
        });
        const [a, b, c] = await claim(store, 'agent-1');
        await finish(store, c, 'agent-1', AttemptOutcome.Succeeded, T0 + 1);
        await finish(store, a, 'agent-1', AttemptOutcome.Succeeded, T0 + 2);
        await finish(store, b, 'agent-1', AttemptOutcome.Succeeded, T0 + 3);
        expect((await store.unappliedOutcomes(2)).map((o) => o.taskId)).toEqual(['c', 'a']);
      });
    });

    describe('dueRuns', () => {
      it('lists unfinished runs whose wake-up time has come, earliest first', async () => {
        const project = await newProject(store);
        const later = await newRun(store, project.id);
        const sooner = await newRun(store, project.id);
        const never = await newRun(store, project.id);
        const done = await newRun(store, project.id);
        await update(store, later.id, { status: RunStatus.Running, wakeAt: T0 + 200 });
        await update(store, sooner.id, { status: RunStatus.Running, wakeAt: T0 + 100 });
        await update(store, never.id, { status: RunStatus.Running, wakeAt: null });
        await update(store, done.id, { status: RunStatus.Failed, wakeAt: T0 + 50 });
        expect(await store.dueRuns(T0 + 99, 10)).toEqual([]);
        expect(await store.dueRuns(T0 + 100, 10)).toEqual([sooner.id]);
        expect(await store.dueRuns(T0 + 500, 10)).toEqual([sooner.id, later.id]);
        expect(await store.dueRuns(T0 + 500, 1)).toEqual([sooner.id]);
        await update(store, sooner.id, { wakeAt: null });
        expect(await store.dueRuns(T0 + 500, 10)).toEqual([later.id]);
      });
    });

    describe('logs', () => {
      it('stores chunks, ignores repeated ones and reads them in order after a seq', async () => {
        const attemptId = await claimedAttemptId(store);
        const chunk = (step: number, seq: number, text: string): LogChunk => ({
          attemptId,
          step,
          seq,
          stream: seq % 2 === 0 ? 'stderr' : 'stdout',
          text,
          at: T0 + seq,
        });
        await store.appendLogs([chunk(0, 1, 'one\n'), chunk(0, 2, 'two\n')]);
        await store.appendLogs([chunk(0, 2, 'again\n'), chunk(1, 3, 'three\n')]);
        await store.appendLogs([]);
        expect(await store.readLogs(attemptId, 0, 100)).toEqual([
          chunk(0, 1, 'one\n'),
          chunk(0, 2, 'two\n'),
          chunk(1, 3, 'three\n'),
        ]);
        expect(await store.readLogs(attemptId, 1, 1)).toEqual([chunk(0, 2, 'two\n')]);
        expect(await store.readLogs(attemptId, 3, 100)).toEqual([]);
        expect(await store.readLogs('unknown', 0, 100)).toEqual([]);
      });

      it('stores large batches whole, and a repeated batch changes nothing', async () => {
        const attemptId = await claimedAttemptId(store);
        const chunks: LogChunk[] = Array.from({ length: 1200 }, (_, i) => ({
          attemptId,
          step: Math.floor(i / 400),
          seq: i + 1,
          stream: 'stdout',
          text: `line ${i + 1} ${'x'.repeat(100)}\n`,
          at: T0 + i,
        }));
        await store.appendLogs(chunks);
        await store.appendLogs(chunks);
        const read = await store.readLogs(attemptId, 0, 5000);
        expect(read).toHaveLength(1200);
        expect(read).toEqual(chunks);
      });

      it('keeps text exactly, including multi-byte characters', async () => {
        const attemptId = await claimedAttemptId(store);
        const text = 'naïve — 日本語 🚀\r\n\ttabs and "quotes" \\ back\\slashes\n';
        await store.appendLogs([{ attemptId, step: 0, seq: 1, stream: 'stdout', text, at: T0 }]);
        expect((await store.readLogs(attemptId, 0, 1))[0]?.text).toBe(text);
      });
    });

    describeControlStoreSecretsContract(() => store);
    describeControlStoreAccessContract(() => store);
    describeControlStoreUserGroupsContract(() => store);
    describeControlStoreStatsContract(() => store);
    describeControlStoreGroupsContract(() => store);
    describeControlStoreApprovalsContract(() => store);
    describeControlStoreTriggerEventsContract(() => store, options.openTwo);
    describeControlStoreSchedulesContract(() => store);
    describeControlStoreCommitStatusesContract(() => store);
    describeControlStorePullRequestsContract(() => store);
    describeControlStoreAgentsContract(() => store);
    describeControlStoreFinishAndClaimContract(() => store);
    describeControlStoreChatContract(() => store);

    describeRunOutputsContract(() => store);

    describe('named leases', () => {
      it('lets one holder have a lease until it ends, then another', async () => {
        expect(await store.acquireLease('cron', 'server-a', T0 + 100, T0)).toBe(true);
        expect(await store.acquireLease('cron', 'server-b', T0 + 150, T0 + 50)).toBe(false);
        expect(await store.acquireLease('cron', 'server-a', T0 + 200, T0 + 90)).toBe(true);
        expect(await store.acquireLease('cron', 'server-b', T0 + 300, T0 + 199)).toBe(false);
        expect(await store.acquireLease('reaper', 'server-b', T0 + 300, T0 + 199)).toBe(true);
        expect(await store.acquireLease('cron', 'server-b', T0 + 300, T0 + 200)).toBe(true);
        expect(await store.acquireLease('cron', 'server-a', T0 + 400, T0 + 250)).toBe(false);
      });

      it('gives a free lease to exactly one of several concurrent takers', async () => {
        const taken = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.acquireLease('poller', `server-${i}`, T0 + 100, T0),
          ),
        );
        expect(taken.filter(Boolean)).toHaveLength(1);
      });
    });
  });
}

let projectCount = 0;

async function newProject(store: ControlStore, name?: string): Promise<Project> {
  projectCount += 1;
  return store.createProject({
    name: name ?? `project-${projectCount}`,
    source: '/srv/git/project.git',
    defaultBranch: 'main',
  });
}

interface RunOptions {
  readonly tasks?: readonly string[];
  readonly state?: unknown;
  readonly createdAt?: number;
  readonly pipeline?: string;
  readonly trigger?: TriggerFacts;
}

function newRun(store: ControlStore, projectId: string, options: RunOptions = {}) {
  return store.createRun({
    projectId,
    plan: makePlan(options.tasks ?? ['build'], options.pipeline),
    trigger: options.trigger ?? TRIGGER,
    state: options.state ?? { tasks: 0 },
    createdAt: options.createdAt ?? T0,
  });
}

/** A plan of independent tasks with every field filled, the way the compiler fills it. */
function makePlan(taskIds: readonly string[], pipeline = 'ci'): Plan {
  const tasks = taskIds.map((id, index): PlanTask => ({
    id,
    name: id.replace(/\[.*$/, ''),
    kind: index === taskIds.length - 1 && index > 0 ? TaskKind.Finally : TaskKind.Main,
    matrix: id.includes('[') ? { node: 20 } : null,
    needs: index > 0 ? [taskIds[0] ?? ''] : [],
    when: null,
    image: index % 2 === 0 ? null : 'node:20',
    runsOn: [],
    env: { MODE: 'test', GREETING: 'héllo' },
    steps: [
      {
        name: 'run',
        run: `echo ${id}\nmake ${id}`,
        shell: ['bash', '-eo', 'pipefail', '-c'],
        env: {},
        timeoutMs: 60_000,
        continueOnError: false,
      },
    ],
    timeoutMs: null,
    retries: { count: 1, backoffMs: 1000, maxBackoffMs: 10_000 },
    results: ['version'],
    reports: [],
    artifacts: ['dist/**'],
    template: null,
    matrixGroup: id.includes('[')
      ? { name: id.replace(/\[.*$/, ''), maxParallel: null, failFast: true }
      : null,
  }));
  return {
    schemaVersion: 1,
    pipeline,
    source: { file: '.slipway.yml' },
    params: { target: 'prod', verbose: true, shards: 3 },
    trigger: TRIGGER,
    timeoutMs: 3_600_000,
    concurrency: null,
    tasks,
  };
}

interface UpdateParts {
  readonly state?: unknown;
  readonly status?: RunStatus;
  readonly tasks?: readonly TaskChange[];
  readonly queue?: readonly QueuedAttempt[];
  readonly stop?: RunUpdate<unknown>['stop'];
  readonly applied?: readonly string[];
  readonly wakeAt?: number | null;
  readonly now?: number;
}

function updateOf<T = undefined>(parts: UpdateParts & { readonly result?: T }): RunUpdate<T> {
  return {
    state: parts.state ?? {},
    status: parts.status ?? RunStatus.Queued,
    tasks: parts.tasks ?? [],
    queue: parts.queue ?? [],
    stop: parts.stop ?? [],
    applied: parts.applied ?? [],
    wakeAt: parts.wakeAt ?? null,
    now: parts.now ?? T0,
    result: parts.result as T,
  };
}

/** Applies `parts`, keeping the run's status and state unless `parts` names them. */
function update(store: ControlStore, runId: string, parts: UpdateParts): Promise<undefined> {
  return store.updateRun(runId, (current) =>
    updateOf({
      ...parts,
      state: 'state' in parts ? parts.state : current.state,
      status: parts.status ?? current.run.status,
    }),
  );
}

function task(
  taskId: string,
  status: TaskStatus,
  attempt: number,
  extra: { readonly reason?: string; readonly results?: Record<string, string> } = {},
): TaskChange {
  return { taskId, status, attempt, reason: extra.reason ?? null, results: extra.results };
}

async function currentState(store: ControlStore, runId: string): Promise<unknown> {
  return store.updateRun(runId, (current) =>
    updateOf({ state: current.state, status: current.run.status, result: current.state }),
  );
}

function increment(store: ControlStore, runId: string): Promise<undefined> {
  return store.updateRun(runId, (current) => {
    const { count } = current.state as { count: number };
    return updateOf({ state: { count: count + 1 }, status: current.run.status });
  });
}

function claim(
  store: ControlStore,
  agentId: string,
  labels: readonly string[] = [],
  max = 10,
  leaseUntil = T0 + 60_000,
): Promise<ClaimedAttempt[]> {
  return store.claimAttempts({ agentId, labels, max, now: T0, leaseUntil });
}

function finish(
  store: ControlStore,
  attempt: ClaimedAttempt | undefined,
  agentId: string,
  outcome: AttemptOutcome,
  now = T0 + 1,
): Promise<boolean> {
  return store.finishAttempt({
    attemptId: attempt?.attemptId ?? '',
    agentId,
    outcome,
    results: {},
    error: outcome === AttemptOutcome.Succeeded ? null : 'exit status 1',
    now,
  });
}

async function claimedAttemptId(store: ControlStore): Promise<string> {
  const run = await newRun(store, (await newProject(store)).id, { tasks: ['a'] });
  await update(store, run.id, { queue: [{ taskId: 'a', attempt: 1, labels: [] }] });
  const [claimed] = await claim(store, 'agent-1');
  if (claimed === undefined) throw new Error('no attempt was claimed');
  return claimed.attemptId;
}

/** `runs` runs of `tasksPerRun` tasks, every task with a queued attempt. */
async function queueMany(store: ControlStore, runs: number, tasksPerRun: number): Promise<void> {
  const project = await newProject(store);
  for (let r = 0; r < runs; r++) {
    const taskIds = Array.from({ length: tasksPerRun }, (_, i) => `task-${i}`);
    const run = await newRun(store, project.id, { tasks: taskIds });
    await update(store, run.id, {
      queue: taskIds.map((taskId) => ({ taskId, attempt: 1, labels: [] })),
    });
  }
}

/** Claims in rounds of concurrent calls, 7 at most each, until a round finds nothing. */
async function claimConcurrently(
  claimers: readonly { readonly store: ControlStore; readonly agentId: string }[],
): Promise<ClaimedAttempt[]> {
  const all: ClaimedAttempt[] = [];
  for (;;) {
    const round = (
      await Promise.all(claimers.map((c) => claim(c.store, c.agentId, [], 7, T0 + 60_000)))
    ).flat();
    if (round.length === 0) return all;
    all.push(...round);
  }
}

function expectEachOnce(refs: readonly { readonly attemptId: string }[], count: number): void {
  const ids = refs.map((r) => r.attemptId);
  expect(ids).toHaveLength(count);
  expect(new Set(ids).size).toBe(count);
}
