import type { ExpressionContext } from '@slipway/api';
import {
  expressionContextOf,
  RunStatus,
  type Plan,
  type RunStatus as RunStatusType,
  type TaskRecord,
} from '@slipway/core';
import { graphOf } from '../scheduler/plan-graph.js';

/**
 * The expression context of a task when its attempt starts, rebuilt from the stored
 * task rows: params, trigger, matrix values and the status and results of the tasks it
 * needs (which have all settled by then). `records` must hold at least the rows of the
 * tasks `tasksReadBy` names for it; a task without a row counts as pending. The run
 * counts as cancelled only once it has finished cancelled or timed out: a cancel still
 * being carried out is not visible here. Trigger facts that are not set are left out, as
 * JSON would.
 */
export function attemptContext(
  plan: Plan,
  runStatus: RunStatusType,
  records: readonly TaskRecord[],
  taskId: string,
): ExpressionContext {
  const graph = graphOf(plan);
  const index = graph.indexOf.get(taskId);
  if (index === undefined) throw new Error(`run has no task ${taskId}`);
  const byId = new Map(records.map((r) => [r.taskId, r]));
  const stopped = runStatus === RunStatus.Cancelled || runStatus === RunStatus.TimedOut;
  const context = expressionContextOf(
    graph,
    index,
    (i) => byId.get(plan.tasks[i]?.id ?? ''),
    stopped,
  );
  const trigger: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(context.trigger ?? {})) {
    if (value !== undefined) trigger[key] = value;
  }
  return { ...context, trigger };
}
