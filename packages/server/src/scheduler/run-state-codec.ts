import type { Plan, RunState } from '@slipway/core';
import { graphOf } from './plan-graph.js';

/**
 * A run's scheduler state as the store keeps it: the {@link RunState} without its graph
 * (rebuilt from the plan when loaded), plus what the server adds to it.
 */
export interface StoredRunState {
  readonly version: 1;
  readonly scheduler: Omit<RunState, 'graph'>;
  /** When the run times out; set when it starts, cleared once the timeout is applied. */
  readonly deadline: number | null;
}

/** The JSON-safe form of a run's state. */
export function encodeRunState(state: RunState, deadline: number | null): StoredRunState {
  const scheduler: StoredRunState['scheduler'] = {
    capacity: state.capacity,
    status: state.status,
    tasks: state.tasks,
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
  return { version: 1, scheduler, deadline };
}

/**
 * Rebuilds the state stored by {@link encodeRunState}; throws when it is not such a state.
 * A state stored before approvals existed has no `awaiting` list nor `decideBy` times:
 * nothing awaited a decision then.
 */
export function decodeRunState(
  plan: Plan,
  stored: unknown,
): { state: RunState; deadline: number | null } {
  if (!isStoredRunState(stored) || stored.scheduler.tasks.length !== plan.tasks.length) {
    throw new Error('the stored run state does not belong to this version or to this plan');
  }
  const scheduler: Partial<StoredRunState['scheduler']> = stored.scheduler;
  return {
    state: {
      graph: graphOf(plan),
      ...stored.scheduler,
      awaiting: scheduler.awaiting ?? [],
      tasks: stored.scheduler.tasks.map((task: Partial<RunState['tasks'][number]>) => ({
        ...(task as RunState['tasks'][number]),
        decideBy: task.decideBy ?? null,
      })),
    },
    deadline: stored.deadline,
  };
}

function isStoredRunState(value: unknown): value is StoredRunState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredRunState>;
  return (
    v.version === 1 &&
    typeof v.scheduler === 'object' &&
    Array.isArray(v.scheduler.tasks) &&
    (v.deadline === null || typeof v.deadline === 'number')
  );
}
