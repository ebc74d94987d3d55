import { routes, type PipelineInfo, type PipelineList } from '@slipway/api';
import {
  isUserError,
  type CatalogParam,
  type ControlStore,
  type PipelineCatalog,
} from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { GitError } from '../git/run-git.js';
import { defineRoute } from '../http/define-route.js';
import type { CatalogContext } from '../triggers/read-pipeline-catalog.js';
import { refreshProjectCatalog } from '../triggers/refresh-project-catalog.js';
import { requireProject } from './project-routes.js';

/** What {@link pipelineRoutes} works with. */
export interface PipelineRoutesContext {
  readonly store: ControlStore;
  readonly catalogs: CatalogContext;
  readonly now: () => number;
}

/**
 * `GET /api/projects/:project/pipelines` (project viewers): the pipelines at the head of
 * the default branch with their params, from the project's pipeline catalog (the one the
 * schedules loop keeps). The branch is fetched on each call and the catalog read again
 * when the branch moved, so a form shows the params of the latest commit. When the
 * branch cannot be fetched, the answer says why in `problem` and lists what was read
 * last.
 */
export function pipelineRoutes(app: FastifyInstance, context: PipelineRoutesContext): void {
  const { store } = context;
  defineRoute(app, routes.listPipelines, async ({ params, request }) => {
    const project = await requireProject(store, params.project);
    const known = (await store.findPipelineCatalog(project.id)) ?? undefined;
    let catalog = known;
    let problem: string | null = null;
    try {
      catalog =
        (await refreshProjectCatalog(store, context.catalogs, project, known, context.now())) ??
        known;
    } catch (error) {
      problem = problemOf(error, project.defaultBranch);
      if (problem === null) {
        request.log.error({ err: error }, `could not read the pipelines of ${project.name}`);
        problem = `the pipelines of ${project.defaultBranch} could not be read; the server log says why`;
      }
    }
    // A catalog stored before params were (see migration 0012) has an empty commit.
    const usable = catalog !== undefined && catalog.commit !== '' ? catalog : undefined;
    const pipelines = usable === undefined ? [] : pipelinesOf(usable);
    if (problem === null && pipelines.length === 0) {
      problem = `no pipeline at the head of ${project.defaultBranch} loads; \`slipway validate\` in a checkout of it says why`;
    }
    const list: PipelineList = {
      branch: project.defaultBranch,
      commit: usable?.commit ?? null,
      readAt: usable?.readAt ?? null,
      pipelines,
      problem,
    };
    return list;
  });
}

/** What the user can be told about a failed read; null for a bug. */
function problemOf(error: unknown, branch: string): string | null {
  if (error instanceof GitError) return `cannot fetch ${branch}: ${error.reason}`;
  if (isUserError(error)) return error.message;
  return null;
}

function pipelinesOf(catalog: PipelineCatalog): PipelineInfo[] {
  return catalog.pipelines
    .map((pipeline) => ({ name: pipeline.name, params: (pipeline.params ?? []).map(paramOf) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function paramOf(param: CatalogParam): PipelineInfo['params'][number] {
  const description = param.description ?? null;
  switch (param.type) {
    case 'string':
      return { name: param.name, type: param.type, description, default: param.default ?? null };
    case 'number':
      return { name: param.name, type: param.type, description, default: param.default ?? null };
    case 'boolean':
      return { name: param.name, type: param.type, description, default: param.default ?? null };
    case 'enum':
      return {
        name: param.name,
        type: param.type,
        description,
        values: [...param.values],
        default: param.default ?? null,
      };
  }
}
