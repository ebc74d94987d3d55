import { describe, expect, it } from 'vitest';
import { AttemptOutcome, RunStatus, TaskStatus, type ControlStore } from '@slipway/core';
import {
  CONTRACT_T0 as T0,
  contractPlan,
  contractProject,
  contractRun,
  contractUpdate,
} from './control-store-contract-fixtures.js';

/**
 * The part of the {@link ControlStore} contract about the aggregates metrics read. `store`
 * returns the store of the running test.
 */
export function describeControlStoreStatsContract(store: () => ControlStore): void {
  describe('aggregates for metrics', () => {
    it('counts nothing in an empty store', async () => {
      expect(await store().countRunsByStatus()).toEqual({});
      expect(await store().countTasksByStatus()).toEqual({});
      expect(await store().countQueuedAttempts()).toBe(0);
      expect(await store().countHeldAttempts()).toBe(0);
      expect(await store().countZombieRuns(T0)).toBe(0);
    });

    it('counts runs and tasks by status, and queued and held attempts', async () => {
      const project = await contractProject(store());
      const plan = contractPlan(['build', 'test']);
      const first = await contractRun(store(), project.id, plan);
      await contractRun(store(), project.id, plan);
      const third = await contractRun(store(), project.id, plan);
      await contractUpdate(store(), first.id, RunStatus.Running, {
        queue: [
          { taskId: 'build', attempt: 1, labels: [] },
          { taskId: 'test', attempt: 1, labels: [] },
        ],
      });
      await store().updateRun(third.id, (current) => ({
        state: current.state,
        status: RunStatus.Failed,
        tasks: [
          { taskId: 'build', status: TaskStatus.Failed, attempt: 1, reason: 'exit 1' },
          { taskId: 'test', status: TaskStatus.Skipped, attempt: 0, reason: 'build failed' },
        ],
        queue: [],
        stop: [],
        applied: [],
        wakeAt: null,
        now: T0,
        result: undefined,
      }));

      expect(await store().countRunsByStatus()).toEqual({ running: 1, queued: 1, failed: 1 });
      expect(await store().countTasksByStatus()).toEqual({ pending: 4, failed: 1, skipped: 1 });
      expect(await store().countQueuedAttempts()).toBe(2);
      expect(await store().countHeldAttempts()).toBe(0);
      await store().claimAttempts({
        agentId: 'agent-1',
        labels: [],
        max: 1,
        now: T0,
        leaseUntil: T0 + 1000,
      });
      expect(await store().countQueuedAttempts()).toBe(1);
      expect(await store().countHeldAttempts()).toBe(1);
    });

    it('counts running runs nothing moves on as zombies', async () => {
      const project = await contractProject(store());
      const run = async (label: string) => {
        const created = await contractRun(store(), project.id, contractPlan([label]));
        return created.id;
      };
      const queue = (taskId: string) => [{ taskId, attempt: 1, labels: [taskId] }];
      const claim = (label: string) =>
        store().claimAttempts({
          agentId: `agent-${label}`,
          labels: [label],
          max: 1,
          now: T0,
          leaseUntil: T0 + 1000,
        });

      const queued = await run('queued');
      await contractUpdate(store(), queued, RunStatus.Running, { queue: queue('queued') });
      const leased = await run('leased');
      await contractUpdate(store(), leased, RunStatus.Running, { queue: queue('leased') });
      expect(await claim('leased')).toHaveLength(1);
      const settled = await run('settled');
      await contractUpdate(store(), settled, RunStatus.Running, { queue: queue('settled') });
      const [attempt] = await claim('settled');
      expect(
        await store().finishAttempt({
          attemptId: attempt?.attemptId ?? '',
          agentId: 'agent-settled',
          outcome: AttemptOutcome.Succeeded,
          results: {},
          error: null,
          now: T0 + 1,
        }),
      ).toBe(true);
      const backoff = await run('backoff');
      await contractUpdate(store(), backoff, RunStatus.Running, { wakeAt: T0 + 5000 });
      await run('not-started');

      expect(await store().countZombieRuns(T0)).toBe(0);

      const stuck = await run('stuck');
      await contractUpdate(store(), stuck, RunStatus.Running);
      expect(await store().countZombieRuns(T0)).toBe(1);

      await contractUpdate(store(), settled, RunStatus.Running, {
        applied: [attempt?.attemptId ?? ''],
      });
      expect(await store().countZombieRuns(T0)).toBe(2);
      // The lease lapsed and the wake-up is overdue, and nothing acted on either.
      expect(await store().countZombieRuns(T0 + 6000)).toBe(4);

      await contractUpdate(store(), stuck, RunStatus.Failed);
      expect(await store().countZombieRuns(T0 + 6000)).toBe(3);
    });
  });
}
