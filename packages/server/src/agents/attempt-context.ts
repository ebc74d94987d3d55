import type { ExpressionContext } from '@slipway/api';
import {
  createRunState,
  RunStatus,
  taskExpressionContext,
  type Plan,
  type RunStatus as RunStatusType,
  type TaskRecord,
} from '@slipway/core';

/**
 * The expression context of a task when its attempt starts, rebuilt from the stored
 * task rows: params, trigger, matrix values and the status and results of the tasks it
 * needs (which have all settled by then). The run counts as cancelled only once it has
 * finished cancelled or timed out: a cancel still being carried out is not visible here.
 * Trigger facts that are not set are left out, as JSON would.
 */
export function attemptContext(
  plan: Plan,
  runStatus: RunStatusType,
  records: readonly TaskRecord[],
  taskId: string,
): ExpressionContext {
  const base = createRunState(plan, { capacity: 1 });
  const byId = new Map(records.map((r) => [r.taskId, r]));
  const stopped = runStatus === RunStatus.Cancelled || runStatus === RunStatus.TimedOut;
  const state = {
    ...base,
    cancelRequested: stopped,
    tasks: base.tasks.map((task, i) => {
      const record = byId.get(plan.tasks[i]?.id ?? '');
      return record
        ? { ...task, status: record.status, attempt: record.attempt, results: record.results }
        : task;
    }),
  };
  const index = base.graph.indexOf.get(taskId);
  if (index === undefined) throw new Error(`run has no task ${taskId}`);
  const context = taskExpressionContext(state, index);
  const trigger: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(context.trigger ?? {})) {
    if (value !== undefined) trigger[key] = value;
  }
  return { ...context, trigger };
}
