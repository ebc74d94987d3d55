import {
  CommitSync,
  createRunState,
  type ControlStore,
  type Plan,
  type Project,
} from '@slipway/core';
import { openControlStore } from '@slipway/store';
import { planTask, testPlan } from '@slipway/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvent, applyEvents } from './apply-event.js';
import { RunDriver } from './run-driver.js';
import { encodeRunState } from './run-state-codec.js';
import { SchedulerLoop } from './scheduler-loop.js';
import { WorkSignal } from './work-signal.js';

describe('applyEvent', () => {
  let store: ControlStore;
  let project: Project;
  const now = 1_000;

  beforeEach(async () => {
    store = await openControlStore('sqlite::memory:');
    project = await store.createProject({ name: 'shop', source: '/src', defaultBranch: 'main' });
  });
  afterEach(async () => {
    await store.close();
  });

  const newRun = async (p: Plan) =>
    store.createRun({
      projectId: project.id,
      plan: p,
      trigger: p.trigger,
      state: encodeRunState(createRunState(p, { capacity: 10 }), null),
      createdAt: now,
    });

  it('queues the ready tasks with the labels they run on', async () => {
    const run = await newRun(
      testPlan([
        planTask('build', { runsOn: ['linux'] }),
        planTask('lint'),
        planTask('test', { needs: ['build'] }),
      ]),
    );
    const applied = await applyEvent(store, run.id, { type: 'run_started' }, now);
    expect(applied).toMatchObject({ status: 'running', queued: 2 });

    const plain = await store.claimAttempts({
      agentId: 'a',
      labels: [],
      max: 5,
      now,
      leaseUntil: now + 1000,
    });
    expect(plain.map((a) => a.taskId)).toEqual(['lint']);
    const linux = await store.claimAttempts({
      agentId: 'b',
      labels: ['linux', 'x64'],
      max: 5,
      now,
      leaseUntil: now + 1000,
    });
    expect(linux.map((a) => a.taskId)).toEqual(['build']);
    expect((await store.getRun(run.id))?.startedAt).toBe(now);
  });

  it('applies an outcome once, however often it is delivered', async () => {
    const run = await newRun(
      testPlan([planTask('build', { results: ['tag'] }), planTask('ship', { needs: ['build'] })]),
    );
    await applyEvent(store, run.id, { type: 'run_started' }, now);
    const event = {
      type: 'attempt_finished',
      taskId: 'build',
      attempt: 1,
      outcome: 'succeeded',
      results: { tag: 'v1' },
    } as const;
    expect((await applyEvent(store, run.id, event, now + 1)).queued).toBe(1);
    expect(await applyEvent(store, run.id, event, now + 2)).toMatchObject({
      queued: 0,
      decisions: [],
    });
    const tasks = await store.listTasks(run.id);
    expect(tasks.map((t) => [t.taskId, t.status, t.attempt, t.results])).toEqual([
      ['build', 'succeeded', 1, { tag: 'v1' }],
      ['ship', 'running', 1, {}],
    ]);
  });

  it('applies several outcomes in one change as one after another, counting decisions per event', async () => {
    const plan = testPlan([
      planTask('a'),
      planTask('b'),
      planTask('c', { needs: ['a', 'b'] }),
      planTask('d', { needs: ['c'] }),
    ]);
    const finished = (taskId: string) =>
      ({
        type: 'attempt_finished',
        taskId,
        attempt: 1,
        outcome: 'succeeded',
        results: {},
      }) as const;

    const together = await newRun(plan);
    await applyEvent(store, together.id, { type: 'run_started' }, now);
    const writes: string[] = [];
    const counting = Object.create(store) as ControlStore;
    counting.updateRun = (runId, change) => {
      writes.push(runId);
      return store.updateRun(runId, change);
    };
    const applied = await applyEvents(
      counting,
      together.id,
      [finished('a'), finished('a'), finished('b')],
      now + 1,
    );
    expect(writes).toEqual([together.id]);
    expect(applied.queued).toBe(1);
    expect(applied.decisionsPerEvent).toHaveLength(3);
    expect(applied.decisionsPerEvent[1]).toBe(0);
    expect(applied.decisionsPerEvent.reduce((x, y) => x + y, 0)).toBe(applied.decisions.length);

    const apart = await newRun(plan);
    await applyEvent(store, apart.id, { type: 'run_started' }, now);
    for (const taskId of ['a', 'a', 'b'])
      await applyEvent(store, apart.id, finished(taskId), now + 1);
    const rows = async (runId: string) =>
      (await store.listTasks(runId)).map((t) => [t.taskId, t.status, t.attempt, t.startedAt]);
    expect(await rows(together.id)).toEqual(await rows(apart.id));
    expect((await store.getRun(together.id))?.status).toBe('running');
  });

  it('syncs the changes someone asked for, and leaves the changes stored outcomes call for to the next sync', async () => {
    const syncs: (CommitSync | undefined)[] = [];
    const recording = Object.create(store) as ControlStore;
    recording.updateRun = (runId, change, sync) => {
      syncs.push(sync);
      return store.updateRun(runId, change, sync);
    };
    const driver = new RunDriver(recording, new WorkSignal(), () => now);
    const run = await newRun(testPlan([planTask('build'), planTask('ship', { needs: ['build'] })]));
    await driver.apply(run.id, { type: 'run_started' });
    const [claimed] = await store.claimAttempts({
      agentId: 'a',
      labels: [],
      max: 1,
      now,
      leaseUntil: now + 1000,
    });
    await store.finishAttempt({
      attemptId: claimed?.attemptId ?? '',
      agentId: 'a',
      outcome: 'succeeded',
      results: {},
      error: null,
      now,
    });
    const [outcome] = await store.unappliedOutcomes(10);
    expect(outcome?.taskId).toBe('build');
    await driver.applyOutcomes(run.id, outcome ? [outcome] : []);
    await driver.wake(run.id);
    expect(await store.unappliedOutcomes(10)).toEqual([]);
    expect((await store.listTasks(run.id)).map((t) => [t.taskId, t.status])).toEqual([
      ['build', 'succeeded'],
      ['ship', 'running'],
    ]);
    await driver.apply(run.id, { type: 'cancel_requested' });

    expect(syncs).toEqual([undefined, CommitSync.Later, CommitSync.Later, undefined]);
  });

  it('lets the scheduler loop start a run left queued by a crash', async () => {
    const run = await newRun(testPlan([planTask('build')]));
    const work = new WorkSignal();
    const seen = work.version;
    const loop = new SchedulerLoop(store, new RunDriver(store, work, () => now), {
      intervalMs: 1000,
      holder: 'one',
      now: () => now,
      onError: (error) => {
        throw error;
      },
    });
    expect(await loop.runOnce()).toMatchObject({ leader: true, started: 1 });
    expect((await store.getRun(run.id))?.status).toBe('running');
    expect(work.version).not.toBe(seen);

    const other = new SchedulerLoop(store, new RunDriver(store, work, () => now), {
      intervalMs: 1000,
      holder: 'two',
      now: () => now,
      onError: () => undefined,
    });
    expect(await other.runOnce()).toMatchObject({ leader: false, started: 0 });
  });

  it('leaves recovery to a pass that comes at least an interval after the last one that did it', async () => {
    let clock = now;
    const loop = new SchedulerLoop(store, new RunDriver(store, new WorkSignal(), () => clock), {
      intervalMs: 1000,
      holder: 'one',
      now: () => clock,
      onError: (error) => {
        throw error;
      },
    });
    const woken = { recoveryAtMostEvery: 1000 };
    expect(await loop.runOnce(woken)).toMatchObject({ leader: true, started: 0 });

    const run = await newRun(testPlan([planTask('build')]));
    clock += 999;
    expect(await loop.runOnce(woken)).toMatchObject({ started: 0 });
    expect((await store.getRun(run.id))?.status).toBe('queued');
    clock += 1;
    expect(await loop.runOnce(woken)).toMatchObject({ started: 1 });
    expect((await store.getRun(run.id))?.status).toBe('running');
  });
});
