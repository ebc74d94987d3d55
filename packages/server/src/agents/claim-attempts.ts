import type { ClaimedAttempt, ClaimRequest } from '@slipway/api';
import {
  readsExpressionContext,
  tasksReadBy,
  type ClaimedAttempt as StoredClaim,
  type ControlStore,
  type PlanTask,
  type Project,
  type RunRecord,
  type TaskRecord,
} from '@slipway/core';
import type { DeepReadonly } from '../http/define-route.js';
import { graphOf } from '../scheduler/plan-graph.js';
import type { WorkSignal } from '../scheduler/work-signal.js';
import type { ProjectSecrets } from '../secrets/project-secrets.js';
import type { SecretMaskers } from '../secrets/secret-maskers.js';
import { attemptContext } from './attempt-context.js';

/** A claimed attempt as sent to the agent (readonly: it holds the frozen plan's parts). */
export type AttemptForAgent = DeepReadonly<ClaimedAttempt>;

/** What {@link claimAttempts} works with. */
export interface ClaimContext {
  readonly store: ControlStore;
  readonly work: WorkSignal;
  readonly now: () => number;
  readonly leaseMs: number;
  /** Bytes of log text one step may store, told to agents with each attempt. */
  readonly maxStepLogBytes: number;
  readonly claimWaitMaxMs: number;
  readonly claimPollMs: number;
  /** Told of the attempts each claim handed out, at the claim's time. */
  readonly onClaimed?: (claimed: readonly StoredClaim[], now: number) => void;
  /** Secret values for the attempts of trusted runs. */
  readonly secrets: ProjectSecrets;
  /** Told which values each run was given, so they are masked in its logs. */
  readonly maskers: SecretMaskers;
}

/**
 * Claims attempts for an agent, waiting up to `waitMs` for some to be queued: woken at
 * once by work queued in this process, and polling for work queued by other replicas.
 * Gives up early, with none, when `signal` aborts (the agent went away) or the server
 * stops.
 */
export async function claimAttempts(
  context: ClaimContext,
  request: ClaimRequest,
  signal: AbortSignal,
): Promise<readonly AttemptForAgent[]> {
  const { store, work } = context;
  const until = Date.now() + Math.min(request.waitMs, context.claimWaitMaxMs);
  for (;;) {
    const seen = work.version;
    const now = context.now();
    const claimed = await store.claimAttempts({
      agentId: request.agentId,
      labels: request.labels,
      max: request.free,
      now,
      leaseUntil: now + context.leaseMs,
    });
    if (claimed.length > 0) {
      context.onClaimed?.(claimed, now);
      return describeClaimed(context, claimed);
    }
    const left = until - Date.now();
    if (left <= 0 || signal.aborted || work.isClosed) return [];
    await work.wait(Math.min(left, context.claimPollMs), signal, seen);
  }
}

interface LoadedRun {
  readonly run: RunRecord;
  readonly project: Project;
  readonly tasks: readonly TaskRecord[];
  /** None for runs whose trigger is untrusted. */
  readonly secrets: Readonly<Record<string, string>>;
}

/** Adds to each claimed attempt what the agent needs to run it. */
export async function describeClaimed(
  context: ClaimContext,
  claimed: readonly StoredClaim[],
): Promise<AttemptForAgent[]> {
  const { store } = context;
  const runs = new Map<string, Promise<LoadedRun>>();
  const load = (runId: string) => {
    let loaded = runs.get(runId);
    if (!loaded) {
      loaded = (async () => {
        const [run, tasks] = await Promise.all([
          store.getRun(runId),
          store.listTasks(
            runId,
            tasksReadByAny(claimed.filter((c) => c.runId === runId && readsContext(c))),
          ),
        ]);
        if (!run) throw new Error(`claimed an attempt of run ${runId}, which does not exist`);
        const project = await store.findProject(run.projectId);
        if (!project) throw new Error(`run ${runId} belongs to no project`);
        const secrets = run.trusted ? await context.secrets.values(project.id) : {};
        if (run.trusted) context.maskers.remember(run.id, project.id, Object.values(secrets));
        return { run, project, tasks, secrets };
      })();
      runs.set(runId, loaded);
    }
    return loaded;
  };
  return Promise.all(
    claimed.map(async (attempt) => {
      const { run, project, tasks: records, secrets } = await load(attempt.runId);
      const task = claimedTask(attempt);
      if (!task) throw new Error(`run ${run.id} has no task ${attempt.taskId}`);
      return {
        attemptId: attempt.attemptId,
        runId: attempt.runId,
        taskId: attempt.taskId,
        attempt: attempt.attempt,
        task,
        run: { pipeline: attempt.plan.pipeline, params: attempt.plan.params, trigger: run.trigger },
        project: { source: project.source, commit: run.trigger.commit ?? '' },
        ...(readsExpressionContext(task)
          ? { context: attemptContext(attempt.plan, run.status, records, attempt.taskId) }
          : {}),
        leaseMs: context.leaseMs,
        maxStepLogBytes: context.maxStepLogBytes,
        secrets: { ...secrets },
      };
    }),
  );
}

/**
 * Whether the agent reads the attempt's expression context: a task whose env holds no
 * expression gets none, and the rows of the tasks it needs are not read for it (in a
 * long chain, a task sees every task before it).
 */
function readsContext(attempt: StoredClaim): boolean {
  const task = claimedTask(attempt);
  return task === undefined || readsExpressionContext(task);
}

/** The plan task of a claimed attempt. */
function claimedTask(attempt: StoredClaim): PlanTask | undefined {
  const index = graphOf(attempt.plan).indexOf.get(attempt.taskId);
  return index === undefined ? undefined : attempt.plan.tasks[index];
}

/**
 * The ids of the tasks whose rows the expression contexts of these attempts (of one run)
 * read: a wide run's claim reads a few rows, not all of them.
 */
function tasksReadByAny(attempts: readonly StoredClaim[]): string[] {
  const ids = new Set<string>();
  for (const { plan, taskId } of attempts) {
    const graph = graphOf(plan);
    const index = graph.indexOf.get(taskId);
    if (index === undefined) continue;
    for (const i of tasksReadBy(graph, index)) ids.add(plan.tasks[i]?.id ?? '');
  }
  return [...ids];
}
