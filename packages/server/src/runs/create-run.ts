import type { CreateRunRequest } from '@slipway/api';
import {
  compilePipeline,
  ConfigError,
  createRunState,
  GitTemplateResolver,
  loadPipelines,
  RepositoryTemplateResolver,
  TriggerEvent,
  type ControlStore,
  type Plan,
  type Project,
  type RunRecord,
  type TriggerFacts,
} from '@slipway/core';
import type { RepositoryCache } from '../git/repository-cache.js';
import type { RunDriver } from '../scheduler/run-driver.js';
import { encodeRunState } from '../scheduler/run-state-codec.js';
import { choosePipeline } from './choose-pipeline.js';

/** What {@link createRun} works with. */
export interface CreateRunContext {
  readonly store: ControlStore;
  readonly repositories: RepositoryCache;
  readonly driver: RunDriver;
  /** Cache folder for templates fetched from other repositories. */
  readonly templatesDir: string;
  /** The scheduler capacity of each run. */
  readonly runCapacity: number;
  readonly now: () => number;
}

/**
 * Creates a run of a project at a ref and starts it: resolves the ref to a commit,
 * checks that commit out, loads and compiles the pipeline (configuration problems throw
 * a {@link ConfigError} with their diagnostics), stores the run with its frozen plan and
 * applies `run_started`, which queues its first attempts.
 */
export async function createRun(
  context: CreateRunContext,
  project: Project,
  request: CreateRunRequest,
  actor: string,
): Promise<RunRecord> {
  const { store, repositories } = context;
  const ref = request.ref ?? project.defaultBranch;
  const resolved = await repositories.resolve(project.source, ref);
  const trigger: TriggerFacts = {
    event: TriggerEvent.Api,
    ...(resolved.branch !== undefined ? { branch: resolved.branch } : {}),
    ...(resolved.tag !== undefined ? { tag: resolved.tag } : {}),
    commit: resolved.commit,
    actor,
  };
  const plan = await repositories.withCheckout(project.source, resolved.commit, (dir) =>
    compileAt(dir, context.templatesDir, request, trigger),
  );
  const state = encodeRunState(createRunState(plan, { capacity: context.runCapacity }), null);
  const run = await store.createRun({
    projectId: project.id,
    plan,
    trigger,
    state,
    createdAt: context.now(),
  });
  await context.driver.apply(run.id, { type: 'run_started' });
  return (await store.getRun(run.id)) ?? run;
}

async function compileAt(
  dir: string,
  templatesDir: string,
  request: CreateRunRequest,
  trigger: TriggerFacts,
): Promise<Plan> {
  const resolver = new RepositoryTemplateResolver(dir, new GitTemplateResolver(templatesDir));
  const source = choosePipeline(await loadPipelines(dir, resolver), request.pipeline);
  const result = compilePipeline(source.pipeline, {
    params: request.params ?? {},
    trigger,
    templates: source.templates,
    ...(source.inferredFrom ? { inferredFrom: source.inferredFrom } : {}),
  });
  if (!result.ok) throw new ConfigError(result.diagnostics);
  return result.plan;
}
