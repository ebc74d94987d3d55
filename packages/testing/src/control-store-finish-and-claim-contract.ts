import { describe, expect, it } from 'vitest';
import {
  AttemptOutcome,
  RunStatus,
  type AttemptClaim,
  type AttemptFinish,
  type ClaimedAttempt,
  type ControlStore,
  type RecordedOutcome,
  type RunSnapshot,
  type RunUpdate,
} from '@slipway/core';
import {
  CONTRACT_T0 as T0,
  contractPlan,
  contractProject,
  contractRun,
  contractUpdate,
} from './control-store-contract-fixtures.js';

/**
 * The part of the {@link ControlStore} contract about `finishAndClaim`: ends recorded,
 * applied and followed by claims in one call. `store` returns the store of the running test.
 */
export function describeControlStoreFinishAndClaimContract(store: () => ControlStore): void {
  const queued = (taskIds: readonly string[]) =>
    taskIds.map((taskId) => ({ taskId, attempt: 1, labels: [] }));

  async function runWith(taskIds: readonly string[], queue: readonly string[]) {
    const run = await contractRun(
      store(),
      (await contractProject(store())).id,
      contractPlan(taskIds),
    );
    await contractUpdate(store(), run.id, RunStatus.Running, { queue: queued(queue) });
    return run;
  }

  const claimFor = (agentId: string, max = 10): AttemptClaim => ({
    agentId,
    labels: [],
    max,
    now: T0 + 10,
    leaseUntil: T0 + 60_000,
  });

  const end = (attempt: ClaimedAttempt | undefined, agentId: string): AttemptFinish => ({
    attemptId: attempt?.attemptId ?? '',
    agentId,
    outcome: AttemptOutcome.Succeeded,
    results: { out: attempt?.taskId ?? '' },
    error: null,
    now: T0 + 5,
  });

  /** A change that marks the outcomes applied and queues `next` (per run: its outcomes' tasks). */
  const applying =
    (
      seen: RecordedOutcome[][],
      next: (outcomes: readonly RecordedOutcome[]) => string[] = () => [],
    ) =>
    (outcomes: readonly RecordedOutcome[]) =>
    (current: RunSnapshot): RunUpdate<string> => {
      seen.push([...outcomes]);
      return {
        state: current.state,
        status: current.run.status,
        tasks: [],
        queue: queued(next(outcomes)),
        stop: [],
        applied: outcomes.map((o) => o.attemptId),
        wakeAt: null,
        now: T0 + 6,
        result: current.run.id,
      };
    };

  describe('finishAndClaim', () => {
    it('records ends as finishAttempt would and applies the accepted ones, once per run', async () => {
      const first = await runWith(['a', 'b'], ['a', 'b']);
      const second = await runWith(['c'], ['c']);
      const claimed = await store().claimAttempts(claimFor('agent-1'));
      const [a, b, c] = ['a', 'b', 'c'].map((id) => claimed.find((x) => x.taskId === id));
      const seen: RecordedOutcome[][] = [];
      const done = await store().finishAndClaim(
        [
          { finish: end(b, 'agent-1'), claim: null },
          { finish: end(c, 'agent-2'), claim: null },
          { finish: end(a, 'agent-1'), claim: null },
          { finish: end(a, 'agent-1'), claim: null },
        ],
        applying(seen),
      );
      expect(done.accepted).toEqual([true, false, true, false]);
      expect(done.claimed).toEqual([[], [], [], []]);
      expect(seen.map((outcomes) => outcomes.map((o) => o.taskId))).toEqual([['b', 'a']]);
      expect(seen[0]?.[0]).toEqual({
        attemptId: b?.attemptId,
        runId: first.id,
        taskId: 'b',
        attempt: 1,
        outcome: AttemptOutcome.Succeeded,
        results: { out: 'b' },
        error: null,
        finishedAt: T0 + 5,
        claimedAt: T0 + 10,
      });
      expect(done.applied).toEqual([{ outcomes: seen[0], result: first.id }]);
      expect(await store().unappliedOutcomes(10)).toEqual([]);
      expect(await store().listHeldAttempts(10)).toEqual([
        expect.objectContaining({ attemptId: c?.attemptId, runId: second.id }) as unknown,
      ]);
    });

    it('claims after applying, so the attempts an end queues go to its agent', async () => {
      await runWith(['a', 'b'], ['a']);
      const [a] = await store().claimAttempts(claimFor('agent-1'));
      const done = await store().finishAndClaim(
        [{ finish: end(a, 'agent-1'), claim: claimFor('agent-1', 1) }],
        applying([], () => ['b']),
      );
      expect(done.accepted).toEqual([true]);
      expect(done.claimed.map((claimed) => claimed.map((x) => x.taskId))).toEqual([['b']]);
      expect(await store().claimAttempts(claimFor('agent-2'))).toEqual([]);
      expect(
        await store().renewLeases('agent-1', [done.claimed[0]?.[0]?.attemptId ?? ''], T0 + 99),
      ).toEqual({ [done.claimed[0]?.[0]?.attemptId ?? '']: { status: 'ok' } });
    });

    it('makes each claim in turn, at most its max, also for an end it refused', async () => {
      await runWith(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd']);
      const [a] = await store().claimAttempts(claimFor('agent-1', 1));
      const done = await store().finishAndClaim(
        [
          { finish: end(a, 'agent-2'), claim: claimFor('agent-2', 2) },
          { finish: end(a, 'agent-1'), claim: claimFor('agent-1', 5) },
        ],
        applying([]),
      );
      expect(done.accepted).toEqual([false, true]);
      expect(done.claimed.map((claimed) => claimed.map((x) => x.taskId))).toEqual([
        ['b', 'c'],
        ['d'],
      ]);
    });

    it('changes nothing when given nothing', async () => {
      const seen: RecordedOutcome[][] = [];
      expect(await store().finishAndClaim([], applying(seen))).toEqual({
        accepted: [],
        claimed: [],
        applied: [],
      });
      expect(seen).toEqual([]);
    });

    it('records nothing when applying fails', async () => {
      await runWith(['a'], ['a']);
      const [a] = await store().claimAttempts(claimFor('agent-1'));
      await expect(
        store().finishAndClaim([{ finish: end(a, 'agent-1'), claim: null }], () => () => {
          throw new Error('cannot apply');
        }),
      ).rejects.toThrow('cannot apply');
      expect(await store().unappliedOutcomes(10)).toEqual([]);
      expect(await store().finishAttempt(end(a, 'agent-1'))).toBe(true);
    });
  });
}
