import { ErrorCode } from '@slipway/api';
import {
  isRunFinished,
  RunStatus,
  TaskKind,
  TaskStatus,
  type CarriedTask,
  type RunRecord,
} from '@slipway/core';
import { HttpError } from '../http/http-error.js';
import { startRun, type CreateRunContext } from './create-run.js';

/**
 * Runs again, as a new run of the same frozen plan, the tasks of a finished run that did
 * not succeed. Main tasks that succeeded are carried: they start succeeded with their
 * results and keep their attempt, so its logs, test report and artifacts stay theirs (no
 * file is copied). `finally` tasks always run again, since they see the run as a whole.
 * The new run has the original's trigger facts (and trust), with `actor` as the one who
 * asked, and records `retryOf`. A run still going, or one that succeeded, is refused.
 */
export async function retryRun(
  context: CreateRunContext,
  original: RunRecord,
  actor: string,
): Promise<RunRecord> {
  if (!isRunFinished(original.status)) {
    throw new HttpError(
      ErrorCode.Conflict,
      `run ${original.id} (#${original.number}) is ${original.status}; only a finished run can be retried`,
    );
  }
  if (original.status === RunStatus.Succeeded) {
    throw new HttpError(
      ErrorCode.Conflict,
      `run ${original.id} (#${original.number}) succeeded, so there is nothing to retry; rerun it to run every task again`,
    );
  }
  const kinds = new Map(original.plan.tasks.map((task) => [task.id, task.kind]));
  const carried: CarriedTask[] = [];
  for (const task of await context.store.listTasks(original.id)) {
    if (task.status !== TaskStatus.Succeeded || task.attemptId === null) continue;
    if (kinds.get(task.taskId) !== TaskKind.Main) continue;
    carried.push({
      taskId: task.taskId,
      attemptId: task.attemptId,
      attempt: task.attempt,
      runId: task.carriedFrom ?? original.id,
      results: task.results,
      startedAt: task.startedAt,
      finishedAt: task.finishedAt,
    });
  }
  return startRun(context, {
    projectId: original.projectId,
    plan: original.plan,
    trigger: { ...original.trigger, actor },
    trusted: original.trusted,
    retryOf: original.id,
    carried,
  });
}
