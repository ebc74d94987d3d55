import { createRunState } from '@slipway/core';
import { planTask, testPlan } from '@slipway/testing';
import { describe, expect, it } from 'vitest';
import { decodeRunState, encodeRunState } from './run-state-codec.js';

describe('the stored run state', () => {
  const plan = testPlan([planTask('build'), planTask('deploy', { needs: ['build'] })]);

  it('round-trips through JSON', () => {
    const state = createRunState(plan, { capacity: 2 });
    const stored: unknown = JSON.parse(JSON.stringify(encodeRunState(state, 42)));
    const decoded = decodeRunState(plan, stored);
    expect(decoded.deadline).toBe(42);
    expect({ ...decoded.state, graph: null }).toEqual({ ...state, graph: null });
  });

  it('reads a state stored before approvals existed as awaiting nothing', () => {
    const stored = JSON.parse(
      JSON.stringify(encodeRunState(createRunState(plan, { capacity: 2 }), null)),
    ) as { scheduler: { awaiting?: unknown; tasks: { decideBy?: unknown }[] } };
    delete stored.scheduler.awaiting;
    for (const task of stored.scheduler.tasks) delete task.decideBy;
    const { state } = decodeRunState(plan, stored);
    expect(state.awaiting).toEqual([]);
    expect(state.tasks.map((t) => t.decideBy)).toEqual([null, null]);
  });
});
