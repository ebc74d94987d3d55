import { ErrorCode, type ApprovalRequest, type Task as TaskView } from '@slipway/api';
import {
  TaskStatus,
  isTaskSettled,
  type ApprovalRecord,
  type ControlStore,
  type TaskRecord,
} from '@slipway/core';
import type { Caller } from '../auth/caller.js';
import { HttpError } from '../http/http-error.js';
import type { RunDriver } from '../scheduler/run-driver.js';
import { taskView } from './views.js';

/** What {@link decideApproval} works with. */
export interface DecideApprovalContext {
  readonly store: ControlStore;
  readonly driver: RunDriver;
  readonly now: () => number;
}

/**
 * Applies a person's decision about an approval task of a run. The route has checked the
 * caller's role in the run's project already; this checks that the task is an approval
 * task the caller may decide (one of its approvers, when it lists some: admins included)
 * and applies the decision as an `approval_decided` event in the run's own transaction.
 * Whether the task awaits a decision is settled by the scheduler inside that transaction,
 * so of two decisions at once exactly one is applied and stored; the other is a conflict.
 */
export async function decideApproval(
  context: DecideApprovalContext,
  caller: Caller,
  runId: string,
  taskId: string,
  request: ApprovalRequest,
): Promise<TaskView> {
  const { store, driver, now } = context;
  const run = await store.getRun(runId);
  if (!run) throw new HttpError(ErrorCode.NotFound, `no run "${runId}"`);
  const task = run.plan.tasks.find((t) => t.id === taskId);
  if (!task) {
    const approvals = run.plan.tasks.filter((t) => t.approval !== undefined).map((t) => t.id);
    const which =
      approvals.length === 0
        ? 'it has no approval task'
        : `its approval ${approvals.length === 1 ? 'task is' : 'tasks are'} ${approvals.join(', ')}`;
    throw new HttpError(ErrorCode.NotFound, `run ${runId} has no task "${taskId}"; ${which}`);
  }
  const approval = task.approval;
  if (approval === undefined) {
    throw new HttpError(
      ErrorCode.Conflict,
      `task "${taskId}" of run ${runId} is not an approval task: only tasks with \`approval\` take a decision`,
    );
  }
  if (approval.approvers !== null && !approval.approvers.includes(caller.user)) {
    throw new HttpError(
      ErrorCode.Forbidden,
      `only ${approval.approvers.join(', ')} may decide task "${taskId}" of run ${runId}, and you are ${caller.user}: ask one of them`,
    );
  }
  const comment = request.comment?.trim() ?? '';
  const applied = await driver.apply(run.id, {
    type: 'approval_decided',
    task: taskId,
    decision: request.decision,
    by: caller.user,
    comment: comment === '' ? null : comment,
    at: now(),
  });
  const [tasks, approvals] = await Promise.all([
    store.listTasks(run.id),
    store.listApprovals(run.id),
  ]);
  const record = tasks.find((t) => t.taskId === taskId);
  if (!record) throw new Error(`run ${run.id} has no row for task ${taskId}`);
  const decision = approvals.find((a) => a.taskId === taskId) ?? null;
  if (!applied.decisions.some((d) => d.type === 'record_approval')) {
    throw new HttpError(ErrorCode.Conflict, notAwaiting(runId, record, decision));
  }
  return taskView(record, task, decision);
}

/** Why a decision about the task was not taken, and what state it is in instead. */
function notAwaiting(runId: string, task: TaskRecord, decision: ApprovalRecord | null): string {
  const which = `task "${task.taskId}" of run ${runId}`;
  if (decision !== null) {
    const what = decision.decision === 'approve' ? 'approved' : 'rejected';
    return `${which} was already ${what} by ${decision.by}; a decision cannot be changed`;
  }
  if (!isTaskSettled(task.status) && task.status !== TaskStatus.Waiting) {
    return `${which} does not await a decision yet (it is ${task.status}): wait until the tasks it needs have finished`;
  }
  return `${which} is ${task.status} and no longer takes a decision${task.reason === null ? '' : ` (${task.reason})`}`;
}
