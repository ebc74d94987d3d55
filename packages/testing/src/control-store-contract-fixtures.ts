import {
  TriggerEvent,
  type ConcurrencyPolicy,
  type ControlStore,
  type Plan,
  type Project,
  type QueuedAttempt,
  type RunRecord,
  type RunStatus,
  type RunUpdate,
} from '@slipway/core';
import { planStep, planTask, testPlan } from './plan-fixtures.js';

/** A time past 2^31 ms, so times must survive as 64-bit values. */
export const CONTRACT_T0 = 1_750_000_000_000;

let projects = 0;

/** A new project with a name of its own. */
export function contractProject(store: ControlStore): Promise<Project> {
  projects += 1;
  return store.createProject({
    name: `contract-${projects}`,
    source: '/srv/git/project.git',
    defaultBranch: 'main',
  });
}

/** A plan of independent one-step tasks, optionally in a concurrency group. */
export function contractPlan(
  taskIds: readonly string[],
  concurrency: ConcurrencyPolicy | null = null,
): Plan {
  const tasks = taskIds.map((id) =>
    planTask(id, {
      steps: [planStep('run', { run: `echo ${id}`, shell: ['bash', '-eo', 'pipefail', '-c'] })],
    }),
  );
  return testPlan(tasks, { trigger: { event: TriggerEvent.Api, commit: 'abc123' }, concurrency });
}

/** Stores a run of `plan` created at `createdAt`. */
export function contractRun(
  store: ControlStore,
  projectId: string,
  plan: Plan,
  createdAt = CONTRACT_T0,
): Promise<RunRecord> {
  return store.createRun({ projectId, plan, trigger: plan.trigger, state: {}, createdAt });
}

/** Sets a run's status, queuing attempts and moving the wake-up time as given. */
export function contractUpdate(
  store: ControlStore,
  runId: string,
  status: RunStatus,
  extra: {
    readonly queue?: readonly QueuedAttempt[];
    readonly wakeAt?: number | null;
    readonly applied?: readonly string[];
    readonly now?: number;
  } = {},
): Promise<undefined> {
  return store.updateRun(runId, (current): RunUpdate<undefined> => ({
    state: current.state,
    status,
    tasks: [],
    queue: extra.queue ?? [],
    stop: [],
    applied: extra.applied ?? [],
    wakeAt: extra.wakeAt ?? null,
    now: extra.now ?? CONTRACT_T0,
    result: undefined,
  }));
}
