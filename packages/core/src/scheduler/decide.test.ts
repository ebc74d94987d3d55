import { planTask, testPlan } from '@slipway/testing';
import { describe, expect, it } from 'vitest';
import type { Plan, PlanTask } from '../plan/plan.js';
import type { Decision } from './decisions.js';
import type { SchedulerEvent } from './events.js';
import {
  AttemptOutcome,
  RunStatus,
  StopMode,
  TaskStatus,
  createRunState,
  decide,
  retryDelayMs,
  taskState,
  type RunState,
} from './index.js';

function matrix(name: string, values: string[], over: Partial<PlanTask> = {}): PlanTask[] {
  return values.map((v) =>
    planTask(`${name}[v=${v}]`, {
      name,
      matrix: { v },
      matrixGroup: { name, maxParallel: null, failFast: true },
      ...over,
    }),
  );
}

/** Drives the scheduler by hand and keeps every decision. */
function runner(p: Plan, capacity = 10) {
  let state: RunState = createRunState(p, { capacity });
  const log: Decision[] = [];
  let now = 0;
  const apply = (event: SchedulerEvent): Decision[] => {
    const result = decide(state, event, now);
    state = result.state;
    log.push(...result.decisions);
    return [...result.decisions];
  };
  return {
    apply,
    start: () => apply({ type: 'run_started' }),
    finish: (
      taskId: string,
      outcome: AttemptOutcome = AttemptOutcome.Succeeded,
      extra: { results?: Record<string, string>; error?: string } = {},
    ) =>
      apply({
        type: 'attempt_finished',
        taskId,
        attempt: taskState(state, taskId).attempt,
        outcome,
        ...extra,
      }),
    at: (time: number) => {
      now = time;
    },
    status: (taskId: string) => taskState(state, taskId).status,
    reason: (taskId: string) => taskState(state, taskId).reason,
    get state() {
      return state;
    },
    log,
  };
}

const started = (decisions: readonly Decision[]) =>
  decisions.flatMap((d) => (d.type === 'start_attempt' ? [d.taskId] : []));
const stopped = (decisions: readonly Decision[]) =>
  decisions.flatMap((d) => (d.type === 'stop_attempt' ? [`${d.taskId}:${d.mode}`] : []));
const finished = (decisions: readonly Decision[]) =>
  decisions.flatMap((d) => (d.type === 'finish_run' ? [d.status] : []));

describe('decide', () => {
  it('starts tasks once their needs have succeeded and finishes the run', () => {
    const r = runner(
      testPlan([
        planTask('build'),
        planTask('lint', { needs: ['build'] }),
        planTask('test', { needs: ['build'] }),
        planTask('ship', { needs: ['lint', 'test'] }),
      ]),
    );
    expect(started(r.start())).toEqual(['build']);
    expect(r.state.status).toBe(RunStatus.Running);
    expect(started(r.finish('build'))).toEqual(['lint', 'test']);
    expect(started(r.finish('test'))).toEqual([]);
    expect(started(r.finish('lint'))).toEqual(['ship']);
    expect(finished(r.finish('ship'))).toEqual([RunStatus.Succeeded]);
  });

  it('runs at most `capacity` attempts, starting ready tasks in plan order', () => {
    const r = runner(testPlan(['a', 'b', 'c', 'd'].map((id) => planTask(id))), 2);
    expect(started(r.start())).toEqual(['a', 'b']);
    expect(started(r.finish('b'))).toEqual(['c']);
    expect(started(r.finish('a'))).toEqual(['d']);
    expect(r.state.running).toBe(2);
  });

  it("respects a matrix group's max-parallel without holding back other tasks", () => {
    const group = matrix('test', ['1', '2', '3'], {
      matrixGroup: { name: 'test', maxParallel: 1, failFast: false },
    });
    const r = runner(testPlan([...group, planTask('lint')]), 10);
    expect(started(r.start())).toEqual(['test[v=1]', 'lint']);
    expect(started(r.finish('test[v=1]'))).toEqual(['test[v=2]']);
  });

  it('skips dependents of a failed task, naming the need, and fails the run', () => {
    const r = runner(
      testPlan([
        planTask('build'),
        planTask('test', { needs: ['build'] }),
        planTask('ship', { needs: ['test'] }),
      ]),
    );
    r.start();
    const decisions = r.finish('build', AttemptOutcome.Failed, {
      error: 'step "make" exited with code 2',
    });
    expect(r.status('build')).toBe(TaskStatus.Failed);
    expect(r.reason('build')).toBe('step "make" exited with code 2');
    expect(r.status('test')).toBe(TaskStatus.Skipped);
    expect(r.reason('test')).toBe('needed task build failed');
    expect(r.reason('ship')).toBe('needed task test was skipped');
    expect(finished(decisions)).toEqual([RunStatus.Failed]);
  });

  it('reports every status change for observers', () => {
    const r = runner(testPlan([planTask('build'), planTask('test', { needs: ['build'] })]));
    r.start();
    r.finish('build', AttemptOutcome.Failed);
    expect(r.log.filter((d) => d.type === 'task_status')).toEqual([
      { type: 'task_status', taskId: 'build', status: 'ready', attempt: 0, reason: null },
      { type: 'task_status', taskId: 'build', status: 'running', attempt: 1, reason: null },
      {
        type: 'task_status',
        taskId: 'build',
        status: 'failed',
        attempt: 1,
        reason: 'the attempt failed',
      },
      {
        type: 'task_status',
        taskId: 'test',
        status: 'skipped',
        attempt: 0,
        reason: 'needed task build failed',
      },
    ]);
  });

  describe('when conditions', () => {
    it('runs a task on failure() and reads results of needed tasks', () => {
      const r = runner(
        testPlan(
          [
            planTask('build'),
            planTask('report', { needs: ['build'], when: 'failure()' }),
            planTask('check', {
              needs: ['build'],
              when: "tasks.build.status == 'failed' && params.deploy",
            }),
            planTask('ok', { needs: ['build'], when: 'success()' }),
          ],
          { params: { deploy: true } },
        ),
      );
      r.start();
      expect(started(r.finish('build', AttemptOutcome.Failed))).toEqual(['report', 'check']);
      expect(r.status('ok')).toBe(TaskStatus.Skipped);
      expect(r.reason('ok')).toBe('condition `success()` is false');
    });

    it('reads results and statuses of indirect needs', () => {
      const r = runner(
        testPlan([
          planTask('version'),
          planTask('build', { needs: ['version'] }),
          planTask('ship', {
            needs: ['build'],
            when: "${{ tasks.version.results.tag == 'v1' && trigger.branch == 'main' }}",
          }),
        ]),
      );
      r.start();
      r.finish('version', AttemptOutcome.Succeeded, { results: { tag: 'v1' } });
      expect(started(r.finish('build'))).toEqual(['ship']);
    });

    it('fails the task when its condition cannot be evaluated', () => {
      const r = runner(
        testPlan([planTask('build'), planTask('ship', { needs: ['build'], when: 'matrix.os' })]),
      );
      r.start();
      expect(finished(r.finish('build'))).toEqual([RunStatus.Failed]);
      expect(r.status('ship')).toBe(TaskStatus.Failed);
      expect(r.reason('ship')).toMatch(/^condition `matrix.os` could not be evaluated: /);
    });

    it('sees a matrix task as one task with the status of its expansions', () => {
      const r = runner(
        testPlan([
          ...matrix('test', ['1', '2'], {
            matrixGroup: { name: 'test', maxParallel: null, failFast: false },
          }),
          planTask('notify', {
            needs: ['test[v=1]', 'test[v=2]'],
            when: "tasks.test.status == 'failed'",
          }),
        ]),
      );
      r.start();
      r.finish('test[v=1]');
      expect(started(r.finish('test[v=2]', AttemptOutcome.Failed))).toEqual(['notify']);
    });
  });

  describe('retries', () => {
    it('retries failed and timed-out attempts after an exponential, capped backoff', () => {
      const r = runner(
        testPlan([
          planTask('flaky', { retries: { count: 3, backoffMs: 1000, maxBackoffMs: 1500 } }),
        ]),
      );
      r.start();
      r.at(100);
      const first = r.finish('flaky', AttemptOutcome.Failed, { error: 'exit 1' });
      expect(first).toContainEqual({ type: 'wake_at', time: 1100 });
      expect(r.status('flaky')).toBe(TaskStatus.Pending);
      expect(r.reason('flaky')).toBe('attempt 1 failed: exit 1; retrying');
      r.at(1099);
      expect(r.apply({ type: 'tick' })).toEqual([]);
      r.at(1100);
      expect(r.apply({ type: 'tick' })).toContainEqual({
        type: 'start_attempt',
        taskId: 'flaky',
        attempt: 2,
      });
      expect(r.finish('flaky', AttemptOutcome.TimedOut)).toContainEqual({
        type: 'wake_at',
        time: 2600,
      });
      r.at(2600);
      r.apply({ type: 'tick' });
      r.finish('flaky', AttemptOutcome.Lost);
      r.at(4100);
      r.apply({ type: 'tick' });
      expect(finished(r.finish('flaky', AttemptOutcome.Failed, { error: 'exit 1' }))).toEqual([
        RunStatus.Failed,
      ]);
      expect(taskState(r.state, 'flaky').attempt).toBe(4);
      expect(r.reason('flaky')).toBe('exit 1');
    });

    it('computes the backoff as backoff * 2^(n-1), capped', () => {
      const policy = { count: 9, backoffMs: 100, maxBackoffMs: 1000 };
      expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n))).toEqual([
        100, 200, 400, 800, 1000,
      ]);
      expect(retryDelayMs({ count: 1, backoffMs: 0, maxBackoffMs: 0 }, 3)).toBe(0);
    });

    it('retries at once without a backoff and does not retry a cancelled attempt', () => {
      const r = runner(
        testPlan([planTask('a', { retries: { count: 1, backoffMs: 0, maxBackoffMs: 0 } })]),
      );
      r.start();
      expect(started(r.finish('a', AttemptOutcome.Failed))).toEqual(['a']);
      expect(finished(r.finish('a', AttemptOutcome.Cancelled))).toEqual([RunStatus.Succeeded]);
      expect(r.status('a')).toBe(TaskStatus.Cancelled);
    });

    it('ends a lost task as lost when no retries are left', () => {
      const r = runner(testPlan([planTask('a')]));
      r.start();
      expect(finished(r.finish('a', AttemptOutcome.Lost))).toEqual([RunStatus.Failed]);
      expect(r.status('a')).toBe(TaskStatus.Lost);
    });
  });

  describe('matrix fail-fast', () => {
    it('stops running expansions and cancels unstarted ones once one finally fails', () => {
      const r = runner(
        testPlan([...matrix('test', ['1', '2', '3']), planTask('after', { needs: ['test[v=3]'] })]),
        2,
      );
      r.start();
      const decisions = r.finish('test[v=1]', AttemptOutcome.Failed);
      expect(stopped(decisions)).toEqual(['test[v=2]:cancel']);
      expect(r.status('test[v=3]')).toBe(TaskStatus.Cancelled);
      expect(r.reason('test[v=3]')).toBe('matrix fail-fast: test[v=1] failed');
      expect(r.status('after')).toBe(TaskStatus.Skipped);
      expect(finished(r.finish('test[v=2]', AttemptOutcome.Cancelled))).toEqual([RunStatus.Failed]);
    });

    it('waits for retries to run out and leaves groups without fail-fast alone', () => {
      const retrying = matrix('a', ['1', '2'], {
        retries: { count: 1, backoffMs: 0, maxBackoffMs: 0 },
      });
      const r = runner(testPlan(retrying));
      r.start();
      expect(stopped(r.finish('a[v=1]', AttemptOutcome.Failed))).toEqual([]);
      expect(stopped(r.finish('a[v=1]', AttemptOutcome.Failed))).toEqual(['a[v=2]:cancel']);

      const lenient = matrix('b', ['1', '2'], {
        matrixGroup: { name: 'b', maxParallel: null, failFast: false },
      });
      const s = runner(testPlan(lenient));
      s.start();
      expect(stopped(s.finish('b[v=1]', AttemptOutcome.Failed))).toEqual([]);
      s.finish('b[v=2]');
      expect(s.status('b[v=2]')).toBe(TaskStatus.Succeeded);
    });
  });

  describe('finally tasks', () => {
    const withFinally = () =>
      testPlan([
        planTask('build'),
        planTask('test', { needs: ['build'] }),
        planTask('cleanup', { kind: 'finally' }),
        planTask('notify', { kind: 'finally', needs: ['cleanup'], when: 'failure()' }),
        planTask('celebrate', { kind: 'finally', when: 'success()' }),
      ]);

    it('run after every main task has settled, even after a failure', () => {
      const r = runner(withFinally());
      expect(started(r.start())).toEqual(['build']);
      expect(started(r.finish('build', AttemptOutcome.Failed))).toEqual(['cleanup']);
      expect(r.status('celebrate')).toBe(TaskStatus.Skipped);
      expect(started(r.finish('cleanup'))).toEqual(['notify']);
      expect(finished(r.finish('notify'))).toEqual([RunStatus.Failed]);
    });

    it('run after a cancel: running attempts are stopped and pending main tasks cancelled', () => {
      const r = runner(withFinally());
      r.start();
      const decisions = r.apply({ type: 'cancel_requested' });
      expect(stopped(decisions)).toEqual(['build:cancel']);
      expect(r.status('test')).toBe(TaskStatus.Cancelled);
      expect(r.reason('test')).toBe('run cancelled');
      expect(r.apply({ type: 'cancel_requested' })).toEqual([]);
      expect(started(r.finish('build', AttemptOutcome.Failed))).toEqual(['cleanup']);
      expect(r.status('build')).toBe(TaskStatus.Failed);
      r.finish('cleanup');
      expect(finished(r.finish('notify'))).toEqual([RunStatus.Cancelled]);
    });

    it('run after a run timeout, which ends the run as timed_out', () => {
      const r = runner(withFinally());
      r.start();
      r.apply({ type: 'run_timed_out' });
      r.finish('build', AttemptOutcome.Cancelled, { error: 'run timed out' });
      expect(r.status('cleanup')).toBe(TaskStatus.Running);
      expect(finished(r.finish('cleanup'))).toEqual([RunStatus.TimedOut]);
      expect(r.reason('notify')).toBe('condition `failure()` is false');
      expect(r.status('celebrate')).toBe(TaskStatus.Skipped);
    });

    it('do not run after a kill', () => {
      const r = runner(withFinally());
      r.start();
      r.apply({ type: 'cancel_requested' });
      const decisions = r.apply({ type: 'kill_requested' });
      expect(stopped(decisions)).toEqual(['build:kill']);
      expect(finished(r.finish('build', AttemptOutcome.Cancelled))).toEqual([RunStatus.Cancelled]);
      expect(r.status('cleanup')).toBe(TaskStatus.Cancelled);
      expect(r.log.filter((d) => d.type === 'start_attempt')).toHaveLength(1);
    });

    it('a kill stops running finally tasks too', () => {
      const r = runner(withFinally());
      r.start();
      r.finish('build', AttemptOutcome.Failed);
      expect(stopped(r.apply({ type: 'kill_requested' }))).toEqual(['cleanup:kill']);
      expect(finished(r.finish('cleanup', AttemptOutcome.Cancelled))).toEqual([
        RunStatus.Cancelled,
      ]);
    });
  });

  it('cancels everything when cancelled before it started', () => {
    const r = runner(testPlan([planTask('a'), planTask('z', { kind: 'finally' })]));
    expect(finished(r.apply({ type: 'cancel_requested' }))).toEqual([RunStatus.Cancelled]);
    expect(r.status('z')).toBe(TaskStatus.Cancelled);
    expect(r.apply({ type: 'run_started' })).toEqual([]);
  });

  it('finishes an empty plan at once', () => {
    expect(finished(runner(testPlan([])).start())).toEqual([RunStatus.Succeeded]);
  });

  it('ignores reports for attempts that are not running, leaving settled tasks alone', () => {
    const r = runner(testPlan([planTask('a'), planTask('b')]));
    r.start();
    r.finish('a', AttemptOutcome.Failed);
    const before = r.state;
    expect(
      r.apply({ type: 'attempt_finished', taskId: 'a', attempt: 1, outcome: 'succeeded' }),
    ).toEqual([]);
    expect(r.state).toBe(before);
    expect(r.status('a')).toBe(TaskStatus.Failed);
    expect(() =>
      r.apply({ type: 'attempt_finished', taskId: 'nope', attempt: 1, outcome: 'succeeded' }),
    ).toThrow(/unknown task nope/);
  });

  it('never changes the state it is given', () => {
    const r = runner(testPlan([planTask('a'), planTask('b', { needs: ['a'] })]));
    r.start();
    const before = r.state;
    const copy = structuredClone({ tasks: before.tasks, ready: before.ready });
    r.finish('a');
    expect({ tasks: before.tasks, ready: before.ready }).toEqual(copy);
    expect(r.state).not.toBe(before);
  });

  it('refuses plans that are not in dependency order', () => {
    expect(() =>
      createRunState(testPlan([planTask('b', { needs: ['a'] }), planTask('a')]), { capacity: 1 }),
    ).toThrow(/dependency order/);
    expect(() => createRunState(testPlan([planTask('a')]), { capacity: 0 })).toThrow(RangeError);
  });

  it('stops with kill after a cancel already asked politely', () => {
    const r = runner(testPlan([planTask('a')]));
    r.start();
    expect(stopped(r.apply({ type: 'cancel_requested' }))).toEqual(['a:cancel']);
    expect(stopped(r.apply({ type: 'kill_requested' }))).toEqual(['a:kill']);
    expect(r.apply({ type: 'kill_requested' })).toEqual([]);
    expect(StopMode.Kill).toBe('kill');
  });
});
