import type { ExpressionContext, TaskFacts } from '../expressions/index.js';
import type { RunGraph } from './run-graph.js';
import type { RunState, TaskState } from './run-state.js';
import { TaskStatus } from './task-status.js';

/** What {@link expressionContextOf} reads of a task it can see. */
export type VisibleTaskFacts = Pick<TaskState, 'status' | 'results'>;

/**
 * What expressions of one task (its `when` and its env values) can read: params, trigger
 * facts, its matrix values, the status of the run, and `tasks.NAME` for every task it
 * needs directly or indirectly (for a `finally` task, every main task too). A matrix task
 * reads as one task whose status sums up its expansions and which has no results.
 */
export function taskExpressionContext(state: RunState, index: number): ExpressionContext {
  return expressionContextOf(
    state.graph,
    index,
    (i) => state.tasks[i],
    state.cancelRequested || state.timedOut || state.killed,
  );
}

/**
 * The same context as {@link taskExpressionContext}, from the run's graph and the status
 * and results of each task the expressions can see (`taskAt` is asked only for the
 * indices {@link tasksReadBy} gives; a task it does not know counts as pending).
 */
export function expressionContextOf(
  graph: RunGraph,
  index: number,
  taskAt: (index: number) => VisibleTaskFacts | undefined,
  cancelled: boolean,
): ExpressionContext {
  const task = graph.plan.tasks[index];
  if (!task) throw new Error(`no task at index ${index}`);
  const names = new Set<string>();
  let failed = false;
  for (const i of visibleTasks(graph, index)) {
    const status = taskAt(i)?.status;
    if (status === TaskStatus.Failed || status === TaskStatus.Lost) failed = true;
    const name = graph.plan.tasks[i]?.name;
    if (name !== undefined) names.add(name);
  }
  const tasks: Record<string, TaskFacts> = {};
  for (const name of names) tasks[name] = taskFacts(taskAt, graph.byName.get(name) ?? []);
  return {
    params: graph.plan.params,
    trigger: { ...graph.plan.trigger },
    ...(task.matrix ? { matrix: task.matrix } : {}),
    tasks,
    status: { failed, cancelled },
  };
}

/**
 * The tasks whose status and results a task's expressions read, by index: the tasks it
 * can see (see {@link taskExpressionContext}) and every expansion of a matrix task among
 * them. {@link expressionContextOf} asks `taskAt` for these and no others.
 */
export function tasksReadBy(graph: RunGraph, index: number): Set<number> {
  const read = visibleTasks(graph, index);
  for (const i of [...read]) {
    const name = graph.plan.tasks[i]?.name;
    for (const member of name === undefined ? [] : (graph.byName.get(name) ?? [])) read.add(member);
  }
  return read;
}

/** Transitive needs of a task, plus every main task for a `finally` task. */
function visibleTasks(graph: RunGraph, index: number): Set<number> {
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
function taskFacts(
  taskAt: (index: number) => VisibleTaskFacts | undefined,
  members: readonly number[],
): TaskFacts {
  const [only] = members;
  if (members.length === 1 && only !== undefined) {
    const task = taskAt(only);
    return { status: task?.status ?? TaskStatus.Pending, results: task?.results ?? {} };
  }
  const statuses = members.map((i) => taskAt(i)?.status);
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
