import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStatus, type ControlStore } from '@slipway/core';
import { planStep, planTask, testPlan } from '@slipway/testing';
import { openControlStore } from '../open-control-store.js';

let store: ControlStore;

beforeEach(async () => {
  store = await openControlStore('sqlite::memory:');
});

afterEach(async () => {
  await store.close();
});

describe("a run's plan", () => {
  it('is read once and shared, frozen, by every reader of the run', async () => {
    const project = await store.createProject({ name: 'p', source: '/p', defaultBranch: 'main' });
    const plan = testPlan(
      ['build', 'test'].map((id) => planTask(id, { steps: [planStep('run', { run: 'true' })] })),
    );
    const created = await store.createRun({
      projectId: project.id,
      plan,
      trigger: plan.trigger,
      state: {},
      createdAt: 1,
    });
    await store.updateRun(created.id, (current) => ({
      state: current.state,
      status: RunStatus.Running,
      tasks: [],
      queue: [{ taskId: 'build', attempt: 1, labels: [] }],
      stop: [],
      applied: [],
      wakeAt: null,
      now: 1,
      result: undefined,
    }));

    const first = await store.getRun(created.id);
    const again = await store.getRun(created.id);
    const [listed] = await store.listRuns({ projectId: project.id, limit: 10 });
    const [claimed] = await store.claimAttempts({
      agentId: 'agent',
      labels: [],
      max: 1,
      now: 1,
      leaseUntil: 2,
    });

    expect(first?.plan).toEqual(plan);
    expect(again?.plan).toBe(first?.plan);
    expect(listed?.plan).toBe(first?.plan);
    expect(claimed?.plan).toBe(first?.plan);
    expect(Object.isFrozen(first?.plan)).toBe(true);
    expect(Object.isFrozen(first?.plan.tasks[0])).toBe(true);
  });
});
