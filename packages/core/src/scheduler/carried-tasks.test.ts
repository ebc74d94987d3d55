import { planTask, testPlan } from '@slipway/testing';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../plan/plan.js';
import type { Decision } from './decisions.js';
import type { SchedulerEvent } from './events.js';
import {
  AttemptOutcome,
  RunStatus,
  TaskStatus,
  createRunState,
  decide,
  taskState,
  type RunState,
  type RunStateOptions,
} from './index.js';

function runner(p: Plan, carried: RunStateOptions['carried']) {
  let state: RunState = createRunState(p, { capacity: 10, carried });
  const apply = (event: SchedulerEvent): Decision[] => {
    const result = decide(state, event, 0);
    state = result.state;
    return [...result.decisions];
  };
  return {
    start: () => apply({ type: 'run_started' }),
    finish: (taskId: string, outcome: AttemptOutcome = AttemptOutcome.Succeeded) =>
      apply({
        type: 'attempt_finished',
        taskId,
        attempt: taskState(state, taskId).attempt,
        outcome,
      }),
    get state() {
      return state;
    },
  };
}

const started = (decisions: readonly Decision[]) =>
  decisions.flatMap((d) => (d.type === 'start_attempt' ? [d.taskId] : []));
const finished = (decisions: readonly Decision[]) =>
  decisions.flatMap((d) => (d.type === 'finish_run' ? [d.status] : []));

const PIPELINE = testPlan([
  planTask('build', { results: ['tag'] }),
  planTask('lint'),
  planTask('test', { needs: ['build'] }),
  planTask('ship', { needs: ['test', 'lint'], when: "tasks.build.results.tag == 'v1'" }),
  planTask('notify', { kind: 'finally' }),
]);

describe('carried tasks', () => {
  it('start succeeded with their results and count as settled needs', () => {
    const r = runner(PIPELINE, { build: { results: { tag: 'v1' } }, lint: { results: {} } });
    expect(taskState(r.state, 'build')).toMatchObject({
      status: TaskStatus.Succeeded,
      results: { tag: 'v1' },
    });
    expect(r.state.unsettled).toBe(3);
    expect(r.state.unsettledMain).toBe(2);

    expect(started(r.start())).toEqual(['test']);
    // ship reads the carried task's result in its condition.
    expect(started(r.finish('test'))).toEqual(['ship']);
    expect(started(r.finish('ship'))).toEqual(['notify']);
    expect(finished(r.finish('notify'))).toEqual([RunStatus.Succeeded]);
    expect(taskState(r.state, 'build').attempt).toBe(0);
  });

  it('never run again, and the run still fails when a task run again fails', () => {
    const r = runner(PIPELINE, { build: { results: { tag: 'v1' } } });
    const first = r.start();
    expect(started(first)).toEqual(['lint', 'test']);
    expect(first.some((d) => 'taskId' in d && d.taskId === 'build')).toBe(false);
    r.finish('lint', AttemptOutcome.Failed);
    // ship's condition reads the carried result, so it runs although lint failed.
    expect(started(r.finish('test'))).toEqual(['ship']);
    r.finish('ship');
    expect(finished(r.finish('notify'))).toEqual([RunStatus.Failed]);
    expect(taskState(r.state, 'build').status).toBe(TaskStatus.Succeeded);
  });

  it('go straight to the finally tasks when every main task was carried', () => {
    const r = runner(PIPELINE, {
      build: { results: { tag: 'v1' } },
      lint: { results: {} },
      test: { results: {} },
      ship: { results: {} },
    });
    expect(started(r.start())).toEqual(['notify']);
    expect(finished(r.finish('notify'))).toEqual([RunStatus.Succeeded]);
  });

  it('finish the run at its start when every task was carried', () => {
    const all = Object.fromEntries(PIPELINE.tasks.map((t) => [t.id, { results: {} }]));
    const r = runner(PIPELINE, all);
    const decisions = r.start();
    expect(started(decisions)).toEqual([]);
    expect(finished(decisions)).toEqual([RunStatus.Succeeded]);
  });

  it('refuses a carried id the plan does not have', () => {
    expect(() =>
      createRunState(PIPELINE, { capacity: 1, carried: { deploy: { results: {} } } }),
    ).toThrow('carried task deploy is not in the plan');
  });

  it('leave the state of a run without carried tasks as it was', () => {
    expect(createRunState(PIPELINE, { capacity: 2, carried: {} })).toEqual(
      createRunState(PIPELINE, { capacity: 2 }),
    );
  });
});
