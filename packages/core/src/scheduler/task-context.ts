import type { ExpressionContext, TaskFacts } from '../expressions/index.js';
import type { RunState } from './run-state.js';
import { TaskStatus } from './task-status.js';

/**
 * What expressions of one task (its `when` and its env values) can read: params, trigger
 * facts, its matrix values, the status of the run, and `tasks.NAME` for every task it
 * needs directly or indirectly (for a `finally` task, every main task too). A matrix task
 * reads as one task whose status sums up its expansions and which has no results.
 */
export function taskExpressionContext(state: RunState, index: number): ExpressionContext {
  const { graph } = state;
  const task = graph.plan.tasks[index];
  if (!task) throw new Error(`no task at index ${index}`);
  const visible = visibleTasks(state, index);
  const names = new Set<string>();
  let failed = false;
  for (const i of visible) {
    const status = state.tasks[i]?.status;
    if (status === TaskStatus.Failed || status === TaskStatus.Lost) failed = true;
    const name = graph.plan.tasks[i]?.name;
    if (name !== undefined) names.add(name);
  }
  const tasks: Record<string, TaskFacts> = {};
  for (const name of names) tasks[name] = taskFacts(state, graph.byName.get(name) ?? []);
  return {
    params: graph.plan.params,
    trigger: { ...graph.plan.trigger },
    ...(task.matrix ? { matrix: task.matrix } : {}),
    tasks,
    status: { failed, cancelled: state.cancelRequested || state.timedOut || state.killed },
  };
}

/** Transitive needs of a task, plus every main task for a `finally` task. */
function visibleTasks(state: RunState, index: number): Set<number> {
  const { graph } = state;
  const seen = new Set<number>();
  if (graph.isFinally[index]) for (let i = 0; i < graph.mainCount; i++) seen.add(i);
  const stack = [...(graph.needs[index] ?? [])];
  for (let i = stack.pop(); i !== undefined; i = stack.pop()) {
    if (seen.has(i)) continue;
    seen.add(i);
    stack.push(...(graph.needs[i] ?? []));
  }
  return seen;
}

/**
 * Facts of one task, or of a matrix group: failed if any expansion failed or was lost,
 * succeeded if all succeeded, cancelled if any was cancelled, skipped otherwise.
 */
function taskFacts(state: RunState, members: readonly number[]): TaskFacts {
  const [only] = members;
  if (members.length === 1 && only !== undefined) {
    const task = state.tasks[only];
    return { status: task?.status ?? TaskStatus.Pending, results: task?.results ?? {} };
  }
  const statuses = members.map((i) => state.tasks[i]?.status);
  let status: TaskStatus = TaskStatus.Skipped;
  if (statuses.some((s) => s === TaskStatus.Failed || s === TaskStatus.Lost)) {
    status = TaskStatus.Failed;
  } else if (statuses.every((s) => s === TaskStatus.Succeeded)) {
    status = TaskStatus.Succeeded;
  } else if (statuses.some((s) => s === TaskStatus.Cancelled)) {
    status = TaskStatus.Cancelled;
  }
  return { status, results: {} };
}
