import { createRunState, type ControlStore, type Project } from '@slipway/core';
import { openControlStore } from '@slipway/store';
import { planTask, testPlan } from '@slipway/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvent } from '../scheduler/apply-event.js';
import { RunDriver } from '../scheduler/run-driver.js';
import { encodeRunState } from '../scheduler/run-state-codec.js';
import { WorkSignal } from '../scheduler/work-signal.js';
import { attemptEnds } from './attempt-ends.js';

describe('attemptEnds', () => {
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

  async function claimedBuild() {
    const plan = testPlan([planTask('build'), planTask('test', { needs: ['build'] })]);
    const run = await store.createRun({
      projectId: project.id,
      plan,
      trigger: plan.trigger,
      state: encodeRunState(createRunState(plan, { capacity: 10 }), null),
      createdAt: now,
    });
    await applyEvent(store, run.id, { type: 'run_started' }, now);
    const [build] = await store.claimAttempts({
      agentId: 'a',
      labels: [],
      max: 1,
      now,
      leaseUntil: now + 60_000,
    });
    if (build === undefined) throw new Error('build was not queued');
    return { run, build };
  }

  const endOf = (attemptId: string) => ({
    attemptId,
    agentId: 'a',
    outcome: 'succeeded' as const,
    results: {},
    error: null,
    now,
  });
  const claim = { agentId: 'a', labels: [], max: 1, now, leaseUntil: now + 60_000 };

  it('applies an end and hands out what it queued, telling of the outcome applied', async () => {
    const { build } = await claimedBuild();
    const applied: string[] = [];
    const ends = attemptEnds({
      store,
      driver: new RunDriver(store, new WorkSignal(), () => now),
      now: () => now,
      onOutcomeApplied: (outcome) => applied.push(outcome.taskId),
      onApplyError: (error) => {
        throw error;
      },
      wakeScheduler: () => undefined,
    });
    const answer = await ends.add({ finish: endOf(build.attemptId), claim });
    expect(answer.accepted).toBe(true);
    expect(answer.claimed.map((a) => a.taskId)).toEqual(['test']);
    expect(applied).toEqual(['build']);
    expect(await store.unappliedOutcomes(10)).toEqual([]);
  });

  it('records an end it cannot apply for the scheduler to apply, and claims nothing', async () => {
    const { run, build } = await claimedBuild();
    const errors: unknown[] = [];
    let woken = 0;
    const failing: ControlStore = Object.create(store, {
      finishAndClaim: { value: () => Promise.reject(new Error('cannot apply')) },
    }) as ControlStore;
    const ends = attemptEnds({
      store: failing,
      driver: new RunDriver(store, new WorkSignal(), () => now),
      now: () => now,
      onApplyError: (error) => errors.push(error),
      wakeScheduler: () => {
        woken++;
      },
    });
    expect(await ends.add({ finish: endOf(build.attemptId), claim })).toEqual({
      accepted: true,
      claimed: [],
    });
    expect(errors).toEqual([new Error('cannot apply')]);
    expect(woken).toBe(1);
    expect((await store.unappliedOutcomes(10)).map((o) => [o.runId, o.taskId])).toEqual([
      [run.id, 'build'],
    ]);
  });
});
