import { planTask, testPlan } from '@slipway/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../plan/plan.js';
import {
  AttemptOutcome,
  TaskStatus,
  createRunState,
  decide,
  isTaskSettled,
  type RunState,
  type SchedulerEvent,
} from './index.js';

interface Shape {
  readonly needs: readonly number[];
  readonly when: string | null;
  readonly carried: boolean;
  readonly finally: boolean;
}

const WHENS = [null, null, 'always()', 'success()', 'failure()'];

const scenario = fc.integer({ min: 1, max: 10 }).chain((count) =>
  fc.record({
    tasks: fc.tuple(
      ...Array.from({ length: count }, (_, i) =>
        fc.record({
          needs: i === 0 ? fc.constant([]) : fc.uniqueArray(fc.nat(i - 1), { maxLength: 3 }),
          when: fc.constantFrom(...WHENS),
          carried: fc.boolean(),
          finally: fc.constant(false),
        }),
      ),
    ),
    finallyCount: fc.nat(2),
    capacity: fc.integer({ min: 1, max: 3 }),
    outcomes: fc.array(fc.boolean(), { minLength: 20, maxLength: 40 }),
  }),
);

function buildPlan(main: readonly Shape[], finallyCount: number): Plan {
  return testPlan([
    ...main.map((shape, i) =>
      planTask(`t${i}`, { needs: shape.needs.map((n) => `t${n}`), when: shape.when }),
    ),
    ...Array.from({ length: finallyCount }, (_, i) => planTask(`f${i}`, { kind: 'finally' })),
  ]);
}

describe('carried tasks on random plans', () => {
  it('never start, keep their results, never hold back a dependent, and the run ends', () => {
    fc.assert(
      fc.property(scenario, ({ tasks, finallyCount, capacity, outcomes }) => {
        const plan = buildPlan(tasks, finallyCount);
        const carriedIds = new Set(tasks.flatMap((t, i) => (t.carried ? [`t${i}`] : [])));
        const carried = Object.fromEntries(
          [...carriedIds].map((id) => [id, { results: { from: id } }]),
        );
        let state: RunState = createRunState(plan, { capacity, carried });
        const running: { taskId: string; attempt: number }[] = [];
        const run = { finished: false };
        let turn = 0;
        const apply = (event: SchedulerEvent) => {
          const result = decide(state, event, 0);
          state = result.state;
          for (const d of result.decisions) {
            if (d.type === 'start_attempt') {
              expect(carriedIds.has(d.taskId)).toBe(false);
              const need = plan.tasks.find((t) => t.id === d.taskId)?.needs ?? [];
              for (const id of need) {
                const i = plan.tasks.findIndex((t) => t.id === id);
                expect(isTaskSettled(state.tasks[i]?.status ?? TaskStatus.Pending)).toBe(true);
              }
              running.push({ taskId: d.taskId, attempt: d.attempt });
            }
            if (d.type === 'task_status') expect(carriedIds.has(d.taskId)).toBe(false);
            if (d.type === 'finish_run') run.finished = true;
          }
        };

        apply({ type: 'run_started' });
        while (!run.finished) {
          const next = running.shift();
          if (!next) throw new Error('nothing runs and the run has not finished: it is stuck');
          const ok = outcomes[turn++ % outcomes.length] ?? true;
          apply({
            type: 'attempt_finished',
            ...next,
            outcome: ok ? AttemptOutcome.Succeeded : AttemptOutcome.Failed,
          });
        }

        plan.tasks.forEach((t, i) => {
          const task = state.tasks[i];
          expect(isTaskSettled(task?.status ?? TaskStatus.Pending)).toBe(true);
          if (carriedIds.has(t.id)) {
            expect(task?.status).toBe(TaskStatus.Succeeded);
            expect(task?.results).toEqual({ from: t.id });
          }
        });
        // A task without a condition whose needs were all carried (or succeeded) ran.
        plan.tasks.forEach((t, i) => {
          if (carriedIds.has(t.id) || t.when !== null || t.kind === 'finally') return;
          const needsOk = t.needs.every(
            (id) => state.tasks[plan.tasks.findIndex((p) => p.id === id)]?.status === 'succeeded',
          );
          if (needsOk) expect(state.tasks[i]?.attempt).toBe(1);
        });
      }),
      { numRuns: 300 },
    );
  });
});
