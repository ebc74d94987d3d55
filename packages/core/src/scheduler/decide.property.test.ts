import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan, PlanTask } from '../plan/plan.js';
import {
  ApprovalDecision,
  AttemptOutcome,
  RunStatus,
  TaskStatus,
  createRunState,
  decide,
  isTaskSettled,
  type Decision,
  type RunState,
  type SchedulerEvent,
} from './index.js';

interface TaskShape {
  readonly needs: readonly number[];
  readonly when: string | null;
  readonly retries: number;
  readonly backoffMs: number;
  readonly group: number;
  /** An approval task (no attempts, no retries, no matrix), with this timeout or none. */
  readonly approval: { readonly timeoutMs: number | null } | null;
}

interface Scenario {
  readonly main: readonly TaskShape[];
  readonly fin: readonly TaskShape[];
  readonly groups: readonly { maxParallel: number | null; failFast: boolean }[];
  readonly capacity: number;
  readonly choices: readonly number[];
  /** Index into choices at which a stop arrives, with its kind. */
  readonly stopAt: number;
  readonly stop: 'cancel_requested' | 'kill_requested' | 'run_timed_out' | null;
}

const WHENS = [null, null, null, 'always()', 'success()', 'failure()', 'cancelled()', 'nope.x'];

const shape = (earlier: number, groups: number) =>
  fc.record({
    needs: earlier === 0 ? fc.constant([]) : fc.uniqueArray(fc.nat(earlier - 1), { maxLength: 3 }),
    when: fc.constantFrom(...WHENS),
    retries: fc.nat(2),
    backoffMs: fc.constantFrom(0, 0, 50, 200),
    group: groups === 0 ? fc.constant(-1) : fc.integer({ min: -1, max: groups - 1 }),
    approval: fc.option(fc.record({ timeoutMs: fc.constantFrom(null, 100, 1000) }), {
      freq: 4,
    }),
  });

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    mainCount: fc.integer({ min: 0, max: 12 }),
    finCount: fc.nat(3),
    groupCount: fc.nat(2),
  })
  .chain(({ mainCount, finCount, groupCount }) =>
    fc.record({
      main: fc.tuple(...Array.from({ length: mainCount }, (_, i) => shape(i, groupCount))),
      fin: fc.tuple(...Array.from({ length: finCount }, (_, i) => shape(i, 0))),
      groups: fc.array(
        fc.record({
          maxParallel: fc.option(fc.integer({ min: 1, max: 2 })),
          failFast: fc.boolean(),
        }),
        { minLength: groupCount, maxLength: groupCount },
      ),
      capacity: fc.integer({ min: 1, max: 4 }),
      choices: fc.array(fc.nat(1000), { minLength: 50, maxLength: 300 }),
      stopAt: fc.nat(60),
      stop: fc.constantFrom(null, 'cancel_requested', 'kill_requested', 'run_timed_out'),
    }),
  );

function buildPlan(s: Scenario): Plan {
  const id = (kind: 'm' | 'f', i: number, t: TaskShape) =>
    kind === 'm' && t.group >= 0 ? `g${t.group}[i=${i}]` : `${kind}${i}`;
  const make = (kind: 'm' | 'f', shapes: readonly TaskShape[]): PlanTask[] =>
    shapes.map((t, i) => {
      const group = kind === 'm' && t.group >= 0 ? s.groups[t.group] : undefined;
      if (t.approval && !group) {
        return {
          id: id(kind, i, t),
          name: id(kind, i, t),
          kind: kind === 'm' ? 'main' : 'finally',
          matrix: null,
          needs: t.needs.map((n) => id(kind, n, shapes[n] ?? t)),
          when: t.when,
          image: null,
          runsOn: [],
          env: {},
          steps: [],
          timeoutMs: t.approval.timeoutMs,
          retries: { count: 0, backoffMs: 0, maxBackoffMs: 0 },
          results: ['approved_by', 'comment'],
          reports: [],
          artifacts: [],
          template: null,
          matrixGroup: null,
          approval: { message: null, approvers: null },
        };
      }
      return {
        id: id(kind, i, t),
        name: group ? `g${t.group}` : id(kind, i, t),
        kind: kind === 'm' ? 'main' : 'finally',
        matrix: group ? { i } : null,
        needs: t.needs.map((n) => id(kind, n, shapes[n] ?? t)),
        when: t.when,
        image: null,
        runsOn: [],
        env: {},
        steps: [],
        timeoutMs: null,
        retries: { count: t.retries, backoffMs: t.backoffMs, maxBackoffMs: 300 },
        results: [],
        reports: [],
        artifacts: [],
        template: null,
        matrixGroup: group ? { name: `g${t.group}`, ...group } : null,
      };
    });
  return {
    schemaVersion: 1,
    pipeline: 'random',
    source: { file: '.slipway.yml' },
    params: {},
    trigger: { event: 'manual' },
    timeoutMs: null,
    concurrency: null,
    tasks: [...make('m', s.main), ...make('f', s.fin)],
  };
}

const OUTCOMES = [
  AttemptOutcome.Succeeded,
  AttemptOutcome.Succeeded,
  AttemptOutcome.Failed,
  AttemptOutcome.TimedOut,
  AttemptOutcome.Lost,
  AttemptOutcome.Cancelled,
];

/**
 * Plays a run to its end: attempts finish with random outcomes in random order, waiting
 * approvals are approved or rejected at random moments (or left to time out), time jumps
 * to the next wake-up when nothing else can happen, and a stop may arrive on the way.
 * Checks the scheduler's promises after every event.
 */
function play(s: Scenario): void {
  const plan = buildPlan(s);
  const { tasks } = plan;
  let state: RunState = createRunState(plan, { capacity: s.capacity });
  let now = 0;
  const running = new Map<string, number>();
  const awaiting = new Set<string>();
  const wakes: number[] = [];
  const outcome = { finishedWith: null as string | null };
  let killed = false;
  const indexOf = new Map(tasks.map((t, i) => [t.id, i]));

  const apply = (event: SchedulerEvent) => {
    const before = state;
    const result = decide(state, event, now);
    state = result.state;
    check(before, result.decisions);
  };

  const check = (before: RunState, decisions: readonly Decision[]) => {
    before.tasks.forEach((t, i) => {
      if (isTaskSettled(t.status)) expect(state.tasks[i]?.status).toBe(t.status);
    });
    for (const d of decisions) {
      expect(outcome.finishedWith).toBeNull();
      switch (d.type) {
        case 'start_attempt': {
          expect(killed).toBe(false);
          const i = indexOf.get(d.taskId) ?? -1;
          expect(tasks[i]?.approval).toBeUndefined();
          expect(d.attempt).toBeLessThanOrEqual((tasks[i]?.retries.count ?? 0) + 1);
          for (const need of tasks[i]?.needs ?? []) {
            expect(isTaskSettled(state.tasks[indexOf.get(need) ?? -1]?.status ?? 'pending')).toBe(
              true,
            );
          }
          if (tasks[i]?.kind === 'finally') {
            for (let m = 0; m < s.main.length; m++) {
              expect(isTaskSettled(state.tasks[m]?.status ?? 'pending')).toBe(true);
            }
          }
          running.set(d.taskId, d.attempt);
          break;
        }
        case 'wake_at':
          expect(d.time).toBeGreaterThanOrEqual(now);
          wakes.push(d.time);
          break;
        case 'finish_run':
          outcome.finishedWith = d.status;
          break;
        case 'stop_attempt':
          expect(running.get(d.taskId)).toBe(d.attempt);
          break;
        case 'task_status': {
          const i = indexOf.get(d.taskId) ?? -1;
          if (d.status === TaskStatus.Waiting) {
            expect(tasks[i]?.approval).toBeDefined();
            awaiting.add(d.taskId);
          } else {
            awaiting.delete(d.taskId);
          }
          if (d.status === TaskStatus.Succeeded && tasks[i]?.approval) {
            expect(Object.keys(state.tasks[i]?.results ?? {})).toEqual(['approved_by', 'comment']);
          }
          break;
        }
        case 'record_approval':
          expect(before.tasks[indexOf.get(d.taskId) ?? -1]?.status).toBe(TaskStatus.Waiting);
          break;
      }
    }
    expect(state.awaiting.length).toBe(awaiting.size);
    if (outcome.finishedWith === null && state.status !== RunStatus.Queued) {
      expect(state.status).toBe(
        awaiting.size > 0 && state.running === 0 ? RunStatus.Waiting : RunStatus.Running,
      );
    }
    const runningTasks = state.tasks.filter((t) => t.status === TaskStatus.Running);
    expect(runningTasks.length).toBeLessThanOrEqual(s.capacity);
    expect(runningTasks.length).toBe(running.size);
    s.groups.forEach((g, gi) => {
      const inGroup = tasks.filter(
        (t, i) => t.matrixGroup?.name === `g${gi}` && state.tasks[i]?.status === TaskStatus.Running,
      );
      if (g.maxParallel !== null) expect(inGroup.length).toBeLessThanOrEqual(g.maxParallel);
    });
  };

  apply({ type: 'run_started' });
  let step = 0;
  for (; outcome.finishedWith === null && step < 2000; step++) {
    const choice = s.choices[step % s.choices.length] ?? 0;
    if (s.stop && step === s.stopAt) {
      killed ||= s.stop === 'kill_requested';
      apply({ type: s.stop });
      continue;
    }
    const waitingIds = [...awaiting];
    if (waitingIds.length > 0 && (choice % 5 === 1 || (running.size === 0 && choice % 3 !== 0))) {
      const task = waitingIds[choice % waitingIds.length] ?? '';
      const decision = (choice >> 2) % 2 === 0 ? ApprovalDecision.Approve : ApprovalDecision.Reject;
      apply({ type: 'approval_decided', task, decision, by: 'alice', comment: null, at: now });
      continue;
    }
    const ids = [...running.keys()];
    if (ids.length > 0 && (choice % 7 !== 0 || wakes.length === 0)) {
      const taskId = ids[choice % ids.length] ?? '';
      const attempt = running.get(taskId) ?? 0;
      running.delete(taskId);
      const result = OUTCOMES[(choice >> 3) % OUTCOMES.length] ?? AttemptOutcome.Succeeded;
      apply({ type: 'attempt_finished', taskId, attempt, outcome: result });
      continue;
    }
    if (wakes.length > 0) {
      wakes.sort((a, b) => a - b);
      now = Math.max(now, wakes.shift() ?? now);
      apply({ type: 'tick' });
      continue;
    }
    const [first] = waitingIds;
    if (first !== undefined) {
      apply({
        type: 'approval_decided',
        task: first,
        decision: 'approve',
        by: 'bob',
        comment: null,
        at: now,
      });
      continue;
    }
    throw new Error('nothing is running and nothing will wake the run: it is stuck');
  }
  expect(outcome.finishedWith).not.toBeNull();
  for (const t of state.tasks) expect(isTaskSettled(t.status)).toBe(true);
  if (killed) expect(outcome.finishedWith).toBe('cancelled');
}

describe('decide on random plans', () => {
  it('always terminates, keeps its promises and settles every task', () => {
    fc.assert(fc.property(scenario, play), { numRuns: 400 });
  });
});
