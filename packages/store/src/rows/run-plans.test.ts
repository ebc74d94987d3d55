import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStatus, type ControlStore } from '@slipway/core';
import { contractPlan, contractProject, contractRun, contractUpdate } from '@slipway/testing';
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
    const project = await contractProject(store);
    const plan = contractPlan(['build', 'test']);
    const created = await contractRun(store, project.id, plan);
    await contractUpdate(store, created.id, RunStatus.Running, {
      queue: [{ taskId: 'build', attempt: 1, labels: [] }],
    });

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
