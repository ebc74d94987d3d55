import type { Plan } from '../plan/plan.js';
import type { StopMode } from './decisions.js';
import { buildRunGraph, type RunGraph } from './run-graph.js';
import { RunStatus } from './run-status.js';
import { TaskStatus } from './task-status.js';

/** What the scheduler knows about one task. */
export interface TaskState {
  readonly status: TaskStatus;
  /** Number of the current or last attempt; 0 before the first one started. */
  readonly attempt: number;
  /** For a task waiting to retry: the earliest time its next attempt may start. */
  readonly notBefore: number | null;
  /** How many of its needs have not settled yet. */
  readonly waitingOn: number;
  readonly results: Readonly<Record<string, string>>;
  /** Why the task has its status (skipped, failed, cancelled, retrying), or null. */
  readonly reason: string | null;
  /** Set once a stop decision was made for the running attempt. */
  readonly stopping: StopMode | null;
  /** For an approval task awaiting a decision: when it fails for lack of one, or null. */
  readonly decideBy: number | null;
}

/**
 * Everything the scheduler knows about a run. It is a plain value: {@link decide} never
 * changes a state it is given, it returns a new one.
 */
export interface RunState {
  readonly graph: RunGraph;
  /** At most this many attempts run at once. */
  readonly capacity: number;
  readonly status: RunStatus;
  /** Per task, in plan order. */
  readonly tasks: readonly TaskState[];
  /** Indices of ready tasks, ascending (plan order is start order). */
  readonly ready: readonly number[];
  /** Indices of tasks waiting for their retry backoff. */
  readonly retrying: readonly number[];
  /** Indices of approval tasks awaiting a decision (status `waiting`). */
  readonly awaiting: readonly number[];
  readonly running: number;
  /** Running attempts per matrix group. */
  readonly groupRunning: readonly number[];
  /** Matrix groups stopped by fail-fast. */
  readonly groupStopped: readonly boolean[];
  readonly unsettled: number;
  readonly unsettledMain: number;
  readonly finallyStarted: boolean;
  readonly cancelRequested: boolean;
  readonly timedOut: boolean;
  readonly killed: boolean;
}

/** Options of {@link createRunState}. */
export interface RunStateOptions {
  /** Maximum number of attempts running at once; at least 1. */
  readonly capacity: number;
  /**
   * Tasks settled before the run starts, by task id: they begin `succeeded` with these
   * results, never run, and count as settled needs for the tasks that depend on them.
   * Used to run again only the tasks of an earlier run that did not succeed.
   */
  readonly carried?: Readonly<Record<string, CarriedTaskState>>;
}

/** What a task carried over from an earlier run keeps; see {@link RunStateOptions.carried}. */
export interface CarriedTaskState {
  readonly results: Readonly<Record<string, string>>;
}

/**
 * The state of a run that has not started: every task pending, except carried tasks,
 * which are succeeded already. Throws (a bug in the caller) for a carried id the plan
 * does not have.
 */
export function createRunState(plan: Plan, options: RunStateOptions): RunState {
  if (!Number.isInteger(options.capacity) || options.capacity < 1) {
    throw new RangeError(`capacity must be a whole number of at least 1, not ${options.capacity}`);
  }
  const graph = buildRunGraph(plan);
  const carried = options.carried ?? {};
  const isCarried = plan.tasks.map((task) => Object.hasOwn(carried, task.id));
  for (const id of Object.keys(carried)) {
    if (!graph.indexOf.has(id)) throw new Error(`carried task ${id} is not in the plan`);
  }
  let settled = 0;
  let settledMain = 0;
  const tasks = graph.needs.map((needs, i): TaskState => {
    const waitingOn = needs.filter((need) => !isCarried[need]).length;
    const keep = isCarried[i] ? carried[plan.tasks[i]?.id ?? ''] : undefined;
    if (!keep) {
      return {
        status: TaskStatus.Pending,
        attempt: 0,
        notBefore: null,
        waitingOn,
        results: {},
        reason: null,
        stopping: null,
        decideBy: null,
      };
    }
    settled++;
    if (!graph.isFinally[i]) settledMain++;
    return {
      status: TaskStatus.Succeeded,
      attempt: 0,
      notBefore: null,
      waitingOn,
      results: { ...keep.results },
      reason: null,
      stopping: null,
      decideBy: null,
    };
  });
  return {
    graph,
    capacity: options.capacity,
    status: RunStatus.Queued,
    tasks,
    ready: [],
    retrying: [],
    awaiting: [],
    running: 0,
    groupRunning: graph.groups.map(() => 0),
    groupStopped: graph.groups.map(() => false),
    unsettled: plan.tasks.length - settled,
    unsettledMain: graph.mainCount - settledMain,
    finallyStarted: false,
    cancelRequested: false,
    timedOut: false,
    killed: false,
  };
}

/** The state of one task by id; throws for an id the plan does not have. */
export function taskState(state: RunState, taskId: string): TaskState {
  const index = state.graph.indexOf.get(taskId);
  const task = index === undefined ? undefined : state.tasks[index];
  if (!task) throw new Error(`unknown task ${taskId}`);
  return task;
}
