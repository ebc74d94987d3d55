import type { Plan, RunState, TaskState } from '@slipway/core';
import { graphOf } from './plan-graph.js';

/**
 * One task's {@link TaskState} as a tuple, its fields in this order, the trailing ones
 * left out while they hold their defaults (`{}` for results, null for the rest): a run of
 * a thousand tasks is stored with every change of it, so each task takes a few bytes
 * (`["succeeded",1,0]`) rather than its field names.
 */
type StoredTaskState = [
  status: TaskState['status'],
  attempt: number,
  waitingOn: number,
  results?: TaskState['results'],
  reason?: string | null,
  notBefore?: number | null,
  stopping?: TaskState['stopping'],
  decideBy?: number | null,
];

/**
 * A run's scheduler state as the store keeps it: the {@link RunState} without its graph
 * (rebuilt from the plan when loaded), plus what the server adds to it.
 */
export interface StoredRunState {
  readonly version: 2;
  readonly scheduler: Omit<RunState, 'graph' | 'tasks'> & { readonly tasks: StoredTaskState[] };
  /** When the run times out; set when it starts, cleared once the timeout is applied. */
  readonly deadline: number | null;
}

/** The JSON-safe form of a run's state. */
export function encodeRunState(state: RunState, deadline: number | null): StoredRunState {
  const scheduler: StoredRunState['scheduler'] = {
    capacity: state.capacity,
    status: state.status,
    tasks: state.tasks.map(encodeTask),
    ready: state.ready,
    retrying: state.retrying,
    awaiting: state.awaiting,
    running: state.running,
    groupRunning: state.groupRunning,
    groupStopped: state.groupStopped,
    unsettled: state.unsettled,
    unsettledMain: state.unsettledMain,
    finallyStarted: state.finallyStarted,
    cancelRequested: state.cancelRequested,
    timedOut: state.timedOut,
    killed: state.killed,
  };
  return { version: 2, scheduler, deadline };
}

/**
 * Rebuilds the state stored by {@link encodeRunState}; throws when it is not such a state.
 * Also reads version 1, which kept each task as an object; a version 1 state stored
 * before approvals existed has no `awaiting` list nor `decideBy` times: nothing awaited a
 * decision then.
 */
export function decodeRunState(
  plan: Plan,
  stored: unknown,
): { state: RunState; deadline: number | null } {
  if (!isStoredRunState(stored) || stored.scheduler.tasks.length !== plan.tasks.length) {
    throw new Error('the stored run state does not belong to this version or to this plan');
  }
  const { tasks, awaiting, ...rest } = stored.scheduler;
  const decodeTask = stored.version === 1 ? decodeTaskV1 : decodeTaskV2;
  return {
    state: {
      graph: graphOf(plan),
      ...rest,
      awaiting: awaiting ?? [],
      tasks: tasks.map(decodeTask),
    },
    deadline: stored.deadline,
  };
}

function encodeTask(task: TaskState): StoredTaskState {
  const stored: StoredTaskState = [
    task.status,
    task.attempt,
    task.waitingOn,
    task.results,
    task.reason,
    task.notBefore,
    task.stopping,
    task.decideBy,
  ];
  let length = stored.length;
  while (length > 3 && isDefault(stored[length - 1])) length--;
  stored.length = length;
  return stored;
}

function isDefault(value: unknown): boolean {
  return value === null || (typeof value === 'object' && Object.keys(value).length === 0);
}

function decodeTaskV2(task: unknown): TaskState {
  const [status, attempt, waitingOn, results, reason, notBefore, stopping, decideBy] =
    task as StoredTaskState;
  return {
    status,
    attempt,
    notBefore: notBefore ?? null,
    waitingOn,
    results: results ?? {},
    reason: reason ?? null,
    stopping: stopping ?? null,
    decideBy: decideBy ?? null,
  };
}

function decodeTaskV1(task: unknown): TaskState {
  const stored = task as Omit<TaskState, 'decideBy'> & { decideBy?: number | null };
  return { ...stored, decideBy: stored.decideBy ?? null };
}

interface StoredStateOfAnyVersion {
  readonly version: 1 | 2;
  readonly scheduler: Omit<RunState, 'graph' | 'tasks' | 'awaiting'> & {
    readonly tasks: readonly unknown[];
    readonly awaiting?: RunState['awaiting'];
  };
  readonly deadline: number | null;
}

function isStoredRunState(value: unknown): value is StoredStateOfAnyVersion {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredStateOfAnyVersion>;
  return (
    (v.version === 1 || v.version === 2) &&
    typeof v.scheduler === 'object' &&
    Array.isArray(v.scheduler.tasks) &&
    v.scheduler.tasks.every((task) =>
      v.version === 1 ? typeof task === 'object' && task !== null : Array.isArray(task),
    ) &&
    (v.deadline === null || typeof v.deadline === 'number')
  );
}
