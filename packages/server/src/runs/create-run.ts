import type { CreateRunRequest } from '@slipway/api';
import {
  compilePipeline,
  ConfigError,
  createRunState,
  TriggerEvent,
  type ControlStore,
  type NewRun,
  type Plan,
  type Project,
  type RunRecord,
  type TriggerFacts,
} from '@slipway/core';
import type { CommitPipelines } from '../git/commit-pipelines.js';
import type { RepositoryCache } from '../git/repository-cache.js';
import type { RunDriver } from '../scheduler/run-driver.js';
import { encodeRunState } from '../scheduler/run-state-codec.js';
import { choosePipeline } from './choose-pipeline.js';

/** What {@link createRun} works with. */
export interface CreateRunContext {
  readonly store: ControlStore;
  readonly repositories: RepositoryCache;
  /** Loads the pipelines of a commit. */
  readonly pipelines: CommitPipelines;
  readonly driver: RunDriver;
  /** The scheduler capacity of each run. */
  readonly runCapacity: number;
  readonly now: () => number;
}

/**
 * Creates a run of a project at a ref and starts it: resolves the ref to a commit,
 * loads and compiles the pipeline (configuration problems throw
 * a {@link ConfigError} with their diagnostics), stores the run with its frozen plan and
 * applies `run_started`, which queues its first attempts.
 */
export async function createRun(
  context: CreateRunContext,
  project: Project,
  request: CreateRunRequest,
  actor: string,
): Promise<RunRecord> {
  const { repositories } = context;
  const ref = request.ref ?? project.defaultBranch;
  const resolved = await repositories.resolve(project.source, ref);
  const message = await repositories.commitMessage(project.source, resolved.commit);
  const trigger: TriggerFacts = {
    event: TriggerEvent.Api,
    ...(resolved.branch !== undefined ? { branch: resolved.branch } : {}),
    ...(resolved.tag !== undefined ? { tag: resolved.tag } : {}),
    commit: resolved.commit,
    ...(message !== null ? { message } : {}),
    actor,
  };
  const plan = await compileRunPlan(context, project, resolved.commit, request, trigger);
  return startRun(context, {
    projectId: project.id,
    plan,
    trigger,
    trusted: request.untrusted !== true,
  });
}

/**
 * Loads the pipelines of a project at `commit` and compiles the one `request` names with
 * its params; configuration problems throw a {@link ConfigError} with their diagnostics.
 */
export async function compileRunPlan(
  context: CreateRunContext,
  project: Project,
  commit: string,
  request: CreateRunRequest,
  trigger: TriggerFacts,
): Promise<Plan> {
  const source = choosePipeline(
    await context.pipelines.load(project.source, commit),
    request.pipeline,
  );
  const result = compilePipeline(source.pipeline, {
    params: request.params ?? {},
    trigger,
    templates: source.templates,
    ...(source.inferredFrom ? { inferredFrom: source.inferredFrom } : {}),
  });
  if (!result.ok) throw new ConfigError(result.diagnostics);
  return result.plan;
}

/**
 * Stores a run of a compiled plan (tasks in `run.carried` start succeeded) and applies
 * `run_started`, which queues its first attempts, in one commit; a run of a concurrency
 * group waits instead until its group has room (see {@link RunDriver.createRun}).
 */
export async function startRun(
  context: CreateRunContext,
  run: Omit<NewRun, 'state' | 'createdAt'>,
): Promise<RunRecord> {
  const carried = Object.fromEntries(
    (run.carried ?? []).map((task) => [task.taskId, { results: task.results }]),
  );
  const initial = createRunState(run.plan, { capacity: context.runCapacity, carried });
  return await context.driver.createRun({
    ...run,
    state: encodeRunState(initial, null),
    createdAt: context.now(),
  });
}
