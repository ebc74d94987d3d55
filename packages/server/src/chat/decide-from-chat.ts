import {
  ApprovalDecision,
  isUserError,
  ProjectRole,
  TaskStatus,
  TokenKind,
  type ControlStore,
} from '@slipway/core';
import { HttpError } from '../http/http-error.js';
import { decideApproval, type DecideApprovalContext } from '../runs/decide-approval.js';
import { userMayIn } from './chat-users.js';

/** What became of a decision from chat. */
export interface ChatDecisionOutcome {
  readonly decided: boolean;
  readonly line: string;
}

/**
 * Approves or rejects an approval task of a run for a chat user mapped to `user`, through
 * the same {@link decideApproval} as `POST /api/runs/:id/tasks/:task/approval`: the user
 * needs the developer role in the run's project (as the route does), and the task's
 * approvers list applies. Without a task, the run's one waiting approval task is taken.
 * Answers whether the decision was taken and a line for people: what happened, or why
 * nothing did.
 */
export async function decideFromChat(
  context: DecideApprovalContext,
  user: string,
  runId: string,
  taskId: string | undefined,
  decision: ApprovalDecision,
): Promise<ChatDecisionOutcome> {
  const { store } = context;
  const run = await store.getRun(runId);
  if (run === null || !(await userMayIn(store, run.projectId, user, ProjectRole.Viewer))) {
    return refused(`there is no run ${runId} that ${user} may see`);
  }
  if (!(await userMayIn(store, run.projectId, user, ProjectRole.Developer))) {
    return refused(
      `${user} needs the developer role in the project of run ${runId} to decide its approvals`,
    );
  }
  const task = taskId ?? (await waitingApproval(store, runId));
  if (typeof task !== 'string') return refused(task.none);
  try {
    await decideApproval(
      context,
      { tokenId: null, user, kind: TokenKind.User, admin: false },
      runId,
      task,
      { decision, comment: 'via Slack' },
    );
  } catch (error) {
    if (error instanceof HttpError || isUserError(error)) return refused(error.message);
    throw error;
  }
  const done = decision === ApprovalDecision.Approve ? 'approved' : 'rejected';
  return {
    decided: true,
    line: `task "${task}" of ${run.pipeline} run #${run.number} ${done} by ${user}`,
  };
}

function refused(line: string): ChatDecisionOutcome {
  return { decided: false, line };
}

/** The one approval task of a run that awaits a decision, or why there is not one. */
async function waitingApproval(
  store: ControlStore,
  runId: string,
): Promise<string | { readonly none: string }> {
  const waiting = (await store.listTasks(runId)).filter((t) => t.status === TaskStatus.Waiting);
  const [only] = waiting;
  if (only !== undefined && waiting.length === 1) return only.taskId;
  if (waiting.length === 0) return { none: `no approval task of run ${runId} awaits a decision` };
  return {
    none: `several approval tasks of run ${runId} await a decision (${waiting.map((t) => t.taskId).join(', ')}): name one`,
  };
}
