import type { AttemptTimeout, ControlStore, HeldAttempt, RunRecord } from '@slipway/core';
import { planTask, testPlan } from '@slipway/testing';
import { describe, expect, it } from 'vitest';
import { TaskDeadlines } from './task-deadlines.js';

const GRACE_MS = 5_000;

/** The three store calls TaskDeadlines makes, counting the looks at held attempts. */
function storeHolding(held: HeldAttempt[]) {
  const plan = testPlan([
    planTask('build', { timeoutMs: 60_000 }),
    planTask('lint', { timeoutMs: null }),
  ]);
  const calls = { looks: 0, timedOut: [] as AttemptTimeout[] };
  const store = {
    listHeldAttempts: (limit: number) => {
      calls.looks++;
      return Promise.resolve(held.slice(0, limit));
    },
    getRun: () => Promise.resolve({ plan } as unknown as RunRecord),
    timeOutAttempts: (attempts: readonly AttemptTimeout[]) => {
      calls.timedOut.push(...attempts);
      return Promise.resolve(
        attempts.map((a) => ({ attemptId: a.attemptId, runId: 'r1', taskId: 'build', attempt: 1 })),
      );
    },
  } as unknown as ControlStore;
  return { store, calls };
}

function held(attemptId: string, taskId: string, claimedAt: number): HeldAttempt {
  return { attemptId, runId: 'r1', taskId, attempt: 1, agentId: 'a1', claimedAt };
}

describe('TaskDeadlines', () => {
  it('ends an attempt held past its timeout and the grace, and no other', async () => {
    const { store, calls } = storeHolding([held('x1', 'build', 0), held('x2', 'lint', 0)]);
    const deadlines = new TaskDeadlines(store, { graceMs: GRACE_MS, batch: 100 });
    expect(await deadlines.enforce(65_000)).toEqual([]);
    const ended = await deadlines.enforce(65_001);
    expect(ended.map((a) => a.attemptId)).toEqual(['x1']);
    expect(calls.timedOut[0]?.error).toContain('the task timed out after 1m');
  });

  it('reads the held attempts again only once one may be overdue, or a second later', async () => {
    const { store, calls } = storeHolding([held('x1', 'build', 0)]);
    const deadlines = new TaskDeadlines(store, { graceMs: GRACE_MS, batch: 100 });
    await deadlines.enforce(100);
    await deadlines.enforce(500);
    await deadlines.enforce(1_099);
    expect(calls.looks).toBe(1);
    await deadlines.enforce(1_100);
    expect(calls.looks).toBe(2);
    await deadlines.enforce(64_900);
    await deadlines.enforce(65_000);
    expect(calls.looks).toBe(3);
    expect(await deadlines.enforce(65_001)).toHaveLength(1);
    expect(calls.looks).toBe(4);
  });

  it('looks at every pass while more attempts are held than one look reads', async () => {
    const { store, calls } = storeHolding([held('x1', 'build', 0), held('x2', 'build', 10)]);
    const deadlines = new TaskDeadlines(store, { graceMs: GRACE_MS, batch: 1 });
    await deadlines.enforce(100);
    await deadlines.enforce(101);
    expect(calls.looks).toBe(2);
  });
});
