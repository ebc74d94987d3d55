import {
  cronSchedules,
  nextTick,
  type CatalogParam,
  type CatalogPipeline,
  type CronSchedule,
  type ParamSpec,
  type PipelineCatalog,
  type Project,
} from '@slipway/core';
import type { CommitPipelines } from '../git/commit-pipelines.js';
import type { RepositoryCache } from '../git/repository-cache.js';

/** What reading a catalog works with. */
export interface CatalogContext {
  readonly repositories: RepositoryCache;
  readonly pipelines: CommitPipelines;
}

/**
 * Reads a project's pipelines at the head of its default branch (what they listen to,
 * their params): resolves the branch, and unless `known` was read at the same commit,
 * loads its pipelines. Pipelines that do not load, and schedules that
 * are not valid cron expressions, are left out (`slipway validate` names them). Returns
 * null when the head is the known commit.
 */
export async function readPipelineCatalog(
  context: CatalogContext,
  project: Project,
  known: PipelineCatalog | undefined,
  now: number,
): Promise<PipelineCatalog | null> {
  const { repositories } = context;
  const head = await repositories.resolve(project.source, `refs/heads/${project.defaultBranch}`);
  if (known?.commit === head.commit) return null;
  const loaded = await context.pipelines.load(project.source, head.commit);
  const pipelines: CatalogPipeline[] = [];
  for (const source of loaded.pipelines) {
    const on = source.pipeline.spec.on;
    const cron = cronSchedules(on).filter(isValid);
    const completions = (on?.pipeline ?? []).map((entry) => ({
      project: entry.project ?? project.name,
      name: entry.name,
      statuses: entry.status ?? ['succeeded'],
    }));
    const params = Object.entries(source.pipeline.spec.params ?? {}).map(([name, spec]) =>
      catalogParam(name, spec),
    );
    pipelines.push({ name: source.name, cron, completions, params });
  }
  return { projectId: project.id, commit: head.commit, pipelines, readAt: now };
}

function isValid(schedule: CronSchedule): boolean {
  try {
    nextTick(schedule, 0);
    return true;
  } catch {
    return false;
  }
}

function catalogParam(name: string, spec: ParamSpec): CatalogParam {
  const description = spec.description !== undefined ? { description: spec.description } : {};
  switch (spec.type) {
    case 'string':
      return { name, type: spec.type, ...description, ...defaultOf(spec.default) };
    case 'number':
      return { name, type: spec.type, ...description, ...defaultOf(spec.default) };
    case 'boolean':
      return { name, type: spec.type, ...description, ...defaultOf(spec.default) };
    case 'enum':
      return {
        name,
        type: spec.type,
        values: spec.values,
        ...description,
        ...defaultOf(spec.default),
      };
  }
}

function defaultOf<T>(value: T | undefined): { default?: T } {
  return value === undefined ? {} : { default: value };
}
