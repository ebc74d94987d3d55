import { planTask, testPlan } from '@slipway/testing';
import { describe, expect, it } from 'vitest';
import type { Plan, PlanTask } from '../plan/plan.js';
import type { Decision } from './decisions.js';
import {
  ApprovalDecision,
  AttemptOutcome,
  RunStatus,
  TaskStatus,
  createRunState,
  decide,
  taskExpressionContext,
  taskState,
  type RunState,
  type SchedulerEvent,
} from './index.js';

function approvalTask(id: string, overrides: Partial<PlanTask> = {}): PlanTask {
  return planTask(id, {
    steps: [],
    results: ['approved_by', 'comment'],
    approval: { message: 'Ship it?', approvers: null },
    ...overrides,
  });
}

function runner(p: Plan, capacity = 10) {
  let state: RunState = createRunState(p, { capacity });
  let now = 0;
  const apply = (event: SchedulerEvent): Decision[] => {
    const result = decide(state, event, now);
    state = result.state;
    return [...result.decisions];
  };
  return {
    apply,
    start: () => apply({ type: 'run_started' }),
    finish: (taskId: string, outcome: AttemptOutcome = AttemptOutcome.Succeeded) =>
      apply({
        type: 'attempt_finished',
        taskId,
        attempt: taskState(state, taskId).attempt,
        outcome,
      }),
    decide: (
      task: string,
      decision: ApprovalDecision,
      by = 'alice',
      comment: string | null = null,
    ) => apply({ type: 'approval_decided', task, decision, by, comment, at: now }),
    at: (time: number) => {
      now = time;
    },
    task: (taskId: string) => taskState(state, taskId),
    get state() {
      return state;
    },
  };
}

const started = (decisions: readonly Decision[]) =>
  decisions.flatMap((d) => (d.type === 'start_attempt' ? [d.taskId] : []));
const finished = (decisions: readonly Decision[]) =>
  decisions.flatMap((d) => (d.type === 'finish_run' ? [d.status] : []));

const pipeline = (approve: Partial<PlanTask> = {}) =>
  testPlan([
    planTask('build'),
    approvalTask('approve', { needs: ['build'], ...approve }),
    planTask('deploy', { needs: ['approve'] }),
  ]);

describe('decide with approval tasks', () => {
  it('waits for a decision without starting an attempt, and the run shows waiting', () => {
    const r = runner(pipeline());
    r.start();
    const decisions = r.finish('build');
    expect(started(decisions)).toEqual([]);
    expect(decisions.filter((d) => d.type === 'task_status').map((d) => d.status)).toEqual([
      TaskStatus.Succeeded,
      TaskStatus.Ready,
      TaskStatus.Waiting,
    ]);
    expect(r.task('approve')).toMatchObject({ status: TaskStatus.Waiting, attempt: 0 });
    expect(r.state.status).toBe(RunStatus.Waiting);
    expect(r.state.running).toBe(0);
  });

  it('approval makes the task succeed with approved_by and comment, and later tasks run', () => {
    const r = runner(pipeline());
    r.start();
    r.finish('build');
    r.at(5_000);
    const decisions = r.decide('approve', ApprovalDecision.Approve, 'alice', 'looks good');
    expect(r.task('approve')).toMatchObject({
      status: TaskStatus.Succeeded,
      results: { approved_by: 'alice', comment: 'looks good' },
    });
    expect(decisions).toContainEqual({
      type: 'record_approval',
      taskId: 'approve',
      decision: 'approve',
      by: 'alice',
      comment: 'looks good',
      at: 5_000,
    });
    expect(started(decisions)).toEqual(['deploy']);
    expect(r.state.status).toBe(RunStatus.Running);
    const context = taskExpressionContext(r.state, 2);
    expect(context.tasks?.approve?.results).toEqual({
      approved_by: 'alice',
      comment: 'looks good',
    });
    expect(finished(r.finish('deploy'))).toEqual([RunStatus.Succeeded]);
  });

  it('rejection fails the task with who and why, skips dependents and fails the run', () => {
    const r = runner(pipeline());
    r.start();
    r.finish('build');
    const decisions = r.decide('approve', ApprovalDecision.Reject, 'bob', 'not on a Friday');
    expect(r.task('approve')).toMatchObject({
      status: TaskStatus.Failed,
      reason: 'rejected by bob: not on a Friday',
    });
    expect(r.task('deploy').status).toBe(TaskStatus.Skipped);
    expect(finished(decisions)).toEqual([RunStatus.Failed]);
  });

  it('takes one decision only; a second, or one for a task not waiting, changes nothing', () => {
    const r = runner(pipeline());
    r.start();
    expect(r.decide('approve', ApprovalDecision.Approve)).toEqual([]);
    expect(r.decide('deploy', ApprovalDecision.Approve)).toEqual([]);
    expect(r.decide('nope', ApprovalDecision.Approve)).toEqual([]);
    r.finish('build');
    r.decide('approve', ApprovalDecision.Approve);
    const before = r.state;
    expect(r.decide('approve', ApprovalDecision.Reject)).toEqual([]);
    expect(r.state).toBe(before);
  });

  it('fails an approval nobody decided within its timeout', () => {
    const r = runner(pipeline({ timeoutMs: 30 * 60_000 }));
    r.start();
    r.at(1_000);
    const waits = r.finish('build');
    expect(waits).toContainEqual({ type: 'wake_at', time: 1_000 + 30 * 60_000 });
    r.at(1_000 + 30 * 60_000 - 1);
    expect(r.apply({ type: 'tick' })).toEqual([]);
    r.at(1_000 + 30 * 60_000);
    const decisions = r.apply({ type: 'tick' });
    expect(r.task('approve')).toMatchObject({
      status: TaskStatus.Failed,
      reason: 'approval timed out: no decision within 30m',
    });
    expect(finished(decisions)).toEqual([RunStatus.Failed]);
  });

  it('a cancel cancels a waiting approval and runs finally tasks', () => {
    const r = runner(
      testPlan([
        approvalTask('approve'),
        planTask('deploy', { needs: ['approve'] }),
        planTask('report', { kind: 'finally', when: 'always()' }),
      ]),
    );
    r.start();
    expect(r.state.status).toBe(RunStatus.Waiting);
    const decisions = r.apply({ type: 'cancel_requested' });
    expect(r.task('approve')).toMatchObject({
      status: TaskStatus.Cancelled,
      reason: 'run cancelled',
    });
    expect(started(decisions)).toEqual(['report']);
    expect(r.state.status).toBe(RunStatus.Running);
    expect(finished(r.finish('report'))).toEqual([RunStatus.Cancelled]);
  });

  it('shows running, not waiting, while other attempts run beside a pending approval', () => {
    const r = runner(
      testPlan([
        approvalTask('approve'),
        planTask('lint'),
        planTask('deploy', { needs: ['approve'] }),
      ]),
    );
    const decisions = r.start();
    expect(started(decisions)).toEqual(['lint']);
    expect(r.state.status).toBe(RunStatus.Running);
    r.finish('lint');
    expect(r.state.status).toBe(RunStatus.Waiting);
  });

  it('takes no capacity: an approval waits beside a full run', () => {
    const r = runner(testPlan([planTask('a'), approvalTask('approve'), planTask('b')]), 1);
    expect(started(r.start())).toEqual(['a']);
    expect(r.task('approve').status).toBe(TaskStatus.Waiting);
    expect(r.task('b').status).toBe(TaskStatus.Ready);
  });

  it('skips an approval whose condition is false, without waiting', () => {
    const r = runner(
      testPlan([
        planTask('build'),
        approvalTask('approve', { needs: ['build'], when: 'failure()' }),
      ]),
    );
    r.start();
    expect(finished(r.finish('build'))).toEqual([RunStatus.Succeeded]);
    expect(r.task('approve').status).toBe(TaskStatus.Skipped);
  });
});
