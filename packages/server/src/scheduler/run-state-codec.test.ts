import { createRunState, decide, TaskStatus, type RunState } from '@slipway/core';
import { planTask, testPlan } from '@slipway/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRunState, encodeRunState } from './run-state-codec.js';

const throughJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const withoutGraph = (state: RunState) => ({ ...state, graph: null });

/** A state's fields as version 1 stored them: all but the graph, each task an object. */
function storedV1Scheduler(state: RunState): Record<string, unknown> {
  const scheduler: Record<string, unknown> = { ...state };
  delete scheduler.graph;
  return scheduler;
}

describe('the stored run state', () => {
  const plan = testPlan([planTask('build'), planTask('deploy', { needs: ['build'] })]);

  it('round-trips through JSON, with every field of a task', () => {
    let state = createRunState(plan, { capacity: 2 });
    state = decide(state, { type: 'run_started' }, 10).state;
    const tasks = state.tasks.map((task, index) =>
      index === 0
        ? {
            ...task,
            results: { version: '1.2.3' },
            reason: 'why',
            notBefore: 5,
            stopping: 'kill' as const,
            decideBy: 9,
          }
        : task,
    );
    state = { ...state, tasks };
    const decoded = decodeRunState(plan, throughJson(encodeRunState(state, 42)));
    expect(decoded.deadline).toBe(42);
    expect(withoutGraph(decoded.state)).toEqual(withoutGraph(state));
  });

  it('stores neighbouring tasks in the same state once, and a stretch of ready tasks as its ends', () => {
    const wide = testPlan(Array.from({ length: 1000 }, (_, i) => planTask(`task-${i}`)));
    const state = createRunState(wide, { capacity: 2 });
    const halfway = {
      ...state,
      tasks: state.tasks.map((task, index) =>
        index < 500 ? { ...task, status: TaskStatus.Succeeded, attempt: 1 } : task,
      ),
      ready: Array.from({ length: 498 }, (_, i) => 502 + i),
    };
    const text = JSON.stringify(encodeRunState(halfway, null));
    expect(text.length).toBeLessThan(500);
    expect(withoutGraph(decodeRunState(wide, JSON.parse(text)).state)).toEqual(
      withoutGraph(halfway),
    );
  });

  it('round-trips any tasks and ready queue', () => {
    const wide = testPlan(Array.from({ length: 40 }, (_, i) => planTask(`task-${i}`)));
    const base = createRunState(wide, { capacity: 2 });
    const status = fc.constantFrom(...Object.values(TaskStatus));
    const task = fc.record({
      status,
      attempt: fc.integer({ min: 0, max: 2 }),
      waitingOn: fc.integer({ min: 0, max: 2 }),
      reason: fc.constantFrom(null, 'why'),
    });
    fc.assert(
      fc.property(
        fc.array(task, { minLength: 40, maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 39 }), { maxLength: 60 }),
        (changes, ready) => {
          const state = {
            ...base,
            tasks: base.tasks.map((old, index) => ({ ...old, ...changes[index] })),
            ready,
          };
          const decoded = decodeRunState(wide, throughJson(encodeRunState(state, null)));
          expect(withoutGraph(decoded.state)).toEqual(withoutGraph(state));
        },
      ),
    );
  });

  it('reads a state stored in version 2, with each task and ready index on its own', () => {
    const state = createRunState(plan, { capacity: 2 });
    const stored = {
      version: 2,
      scheduler: {
        ...storedV1Scheduler(state),
        tasks: [
          ['ready', 0, 0],
          ['pending', 0, 1],
        ],
      },
      deadline: null,
    };
    const decoded = decodeRunState(plan, throughJson(stored)).state;
    expect(decoded.tasks.map((t) => [t.status, t.waitingOn])).toEqual([
      ['ready', 0],
      ['pending', 1],
    ]);
    expect(decoded.ready).toEqual(state.ready);
  });

  it('keeps a task in a few bytes while its fields hold their defaults', () => {
    const wide = testPlan(Array.from({ length: 1000 }, (_, i) => planTask(`task-${i}`)));
    const state = createRunState(wide, { capacity: 2 });
    const settled = {
      ...state,
      tasks: state.tasks.map((task) => ({ ...task, status: TaskStatus.Succeeded, attempt: 1 })),
      ready: [],
    };
    const text = JSON.stringify(encodeRunState(settled, null));
    expect(text.length).toBeLessThan(1000 * 20);
    expect(withoutGraph(decodeRunState(wide, JSON.parse(text)).state)).toEqual(
      withoutGraph(settled),
    );
  });

  it('reads a state stored in version 1, with each task as an object', () => {
    const state = createRunState(plan, { capacity: 2 });
    const stored = { version: 1, scheduler: storedV1Scheduler(state), deadline: 7 };
    const decoded = decodeRunState(plan, throughJson(stored));
    expect(decoded.deadline).toBe(7);
    expect(withoutGraph(decoded.state)).toEqual(withoutGraph(state));
  });

  it('reads a version 1 state stored before approvals existed as awaiting nothing', () => {
    const state = createRunState(plan, { capacity: 2 });
    const scheduler = storedV1Scheduler(state);
    delete scheduler.awaiting;
    scheduler.tasks = state.tasks.map((task) => {
      const old: Record<string, unknown> = { ...task };
      delete old.decideBy;
      return old;
    });
    const stored = { version: 1, scheduler, deadline: null };
    const decoded = decodeRunState(plan, throughJson(stored)).state;
    expect(decoded.awaiting).toEqual([]);
    expect(decoded.tasks.map((t) => t.decideBy)).toEqual([null, null]);
  });

  it('refuses a state of another plan or of no known version', () => {
    const stored = throughJson(encodeRunState(createRunState(plan, { capacity: 2 }), null));
    expect(() => decodeRunState(testPlan([planTask('only')]), stored)).toThrow(/this plan/);
    expect(() => decodeRunState(plan, { ...(stored as object), version: 4 })).toThrow(
      /this version/,
    );
  });
});
