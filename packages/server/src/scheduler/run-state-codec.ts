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
 * Several neighbouring tasks in the same state, stored once: `[count, task]`. Most tasks
 * of a large run share their state with their neighbours (queued, or succeeded on the
 * first attempt), and the run is stored with every change of it.
 */
type StoredTaskRun = [count: number, task: StoredTaskState];

/**
 * A list of task indexes with each stretch of three or more consecutive ascending ones
 * stored as `[first, last]`: the ready queue of a wide run is such a stretch.
 */
type StoredIndexes = (number | [first: number, last: number])[];

/**
 * A run's scheduler state as the store keeps it: the {@link RunState} without its graph
 * (rebuilt from the plan when loaded), plus what the server adds to it.
 */
export interface StoredRunState {
  readonly version: 3;
  readonly scheduler: Omit<RunState, 'graph' | 'tasks' | 'ready'> & {
    readonly tasks: (StoredTaskState | StoredTaskRun)[];
    readonly ready: StoredIndexes;
  };
  /** When the run times out; set when it starts, cleared once the timeout is applied. */
  readonly deadline: number | null;
}

/** The JSON-safe form of a run's state. */
export function encodeRunState(state: RunState, deadline: number | null): StoredRunState {
  const scheduler: StoredRunState['scheduler'] = {
    capacity: state.capacity,
    status: state.status,
    tasks: encodeTasks(state.tasks),
    ready: encodeIndexes(state.ready),
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
  return { version: 3, scheduler, deadline };
}

/**
 * Rebuilds the state stored by {@link encodeRunState}; throws when it is not such a state.
 * Also reads version 2, which kept each task and ready index on its own, and version 1,
 * which kept each task as an object; a version 1 state stored before approvals existed
 * has no `awaiting` list nor `decideBy` times: nothing awaited a decision then.
 */
export function decodeRunState(
  plan: Plan,
  stored: unknown,
): { state: RunState; deadline: number | null } {
  const tasks = isStoredRunState(stored) ? decodeTasks(stored) : undefined;
  if (tasks?.length !== plan.tasks.length || !isStoredRunState(stored)) {
    throw new Error('the stored run state does not belong to this version or to this plan');
  }
  const { awaiting, ready, ...rest } = stored.scheduler;
  return {
    state: {
      graph: graphOf(plan),
      ...rest,
      awaiting: awaiting ?? [],
      ready: stored.version === 3 ? decodeIndexes(ready as StoredIndexes) : (ready as number[]),
      tasks,
    },
    deadline: stored.deadline,
  };
}

function encodeTasks(tasks: readonly TaskState[]): (StoredTaskState | StoredTaskRun)[] {
  const stored: (StoredTaskState | StoredTaskRun)[] = [];
  let previous: StoredTaskState | undefined;
  let count = 0;
  const flush = (): void => {
    if (previous !== undefined) stored.push(count === 1 ? previous : [count, previous]);
  };
  for (const task of tasks) {
    const encoded = encodeTask(task);
    if (previous !== undefined && sameTask(previous, encoded)) {
      count++;
      continue;
    }
    flush();
    previous = encoded;
    count = 1;
  }
  flush();
  return stored;
}

/** Equal when every field is the same value; fields holding objects never are. */
function sameTask(a: StoredTaskState, b: StoredTaskState): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const value = a[i];
    if (value !== b[i] || (typeof value === 'object' && value !== null)) return false;
  }
  return true;
}

function decodeTasks(stored: StoredStateOfAnyVersion): TaskState[] | undefined {
  const { tasks } = stored.scheduler;
  if (stored.version === 1) return tasks.map(decodeTaskV1);
  if (stored.version === 2) return tasks.map(decodeTaskV2);
  const decoded: TaskState[] = [];
  for (const item of tasks) {
    if (!Array.isArray(item)) return undefined;
    if (typeof item[0] !== 'number') {
      decoded.push(decodeTaskV2(item));
      continue;
    }
    const [count, task] = item as StoredTaskRun;
    for (let i = 0; i < count; i++) decoded.push(decodeTaskV2(task));
  }
  return decoded;
}

function encodeIndexes(indexes: readonly number[]): StoredIndexes {
  const stored: StoredIndexes = [];
  for (let start = 0; start < indexes.length;) {
    let end = start;
    while (end + 1 < indexes.length && indexes[end + 1] === (indexes[end] ?? 0) + 1) end++;
    const first = indexes[start] ?? 0;
    if (end - start >= 2) stored.push([first, indexes[end] ?? first]);
    else for (let i = start; i <= end; i++) stored.push(indexes[i] ?? 0);
    start = end + 1;
  }
  return stored;
}

function decodeIndexes(stored: StoredIndexes): number[] {
  const indexes: number[] = [];
  for (const item of stored) {
    if (typeof item === 'number') indexes.push(item);
    else for (let index = item[0]; index <= item[1]; index++) indexes.push(index);
  }
  return indexes;
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
  readonly version: 1 | 2 | 3;
  readonly scheduler: Omit<RunState, 'graph' | 'tasks' | 'awaiting' | 'ready'> & {
    readonly tasks: readonly unknown[];
    readonly awaiting?: RunState['awaiting'];
    readonly ready: readonly unknown[];
  };
  readonly deadline: number | null;
}

function isStoredRunState(value: unknown): value is StoredStateOfAnyVersion {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredStateOfAnyVersion>;
  return (
    (v.version === 1 || v.version === 2 || v.version === 3) &&
    typeof v.scheduler === 'object' &&
    Array.isArray(v.scheduler.tasks) &&
    v.scheduler.tasks.every((task) =>
      v.version === 1 ? typeof task === 'object' && task !== null : Array.isArray(task),
    ) &&
    (v.deadline === null || typeof v.deadline === 'number')
  );
}
