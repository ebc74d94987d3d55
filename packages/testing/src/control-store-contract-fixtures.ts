import {
  TaskKind,
  TriggerEvent,
  type ConcurrencyPolicy,
  type ControlStore,
  type Plan,
  type PlanTask,
  type Project,
  type QueuedAttempt,
  type RunRecord,
  type RunStatus,
  type RunUpdate,
} from '@slipway/core';

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
  const tasks = taskIds.map((id): PlanTask => ({
    id,
    name: id,
    kind: TaskKind.Main,
    matrix: null,
    needs: [],
    when: null,
    image: null,
    runsOn: [],
    env: {},
    steps: [
      {
        name: 'run',
        run: `echo ${id}`,
        shell: ['bash', '-eo', 'pipefail', '-c'],
        env: {},
        timeoutMs: null,
        continueOnError: false,
      },
    ],
    timeoutMs: null,
    retries: { count: 0, backoffMs: 0, maxBackoffMs: 0 },
    results: [],
    reports: [],
    artifacts: [],
    template: null,
    matrixGroup: null,
  }));
  return {
    schemaVersion: 1,
    pipeline: 'ci',
    source: { file: '.slipway.yml' },
    params: {},
    trigger: { event: TriggerEvent.Api, commit: 'abc123' },
    timeoutMs: null,
    concurrency,
    tasks,
  };
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
