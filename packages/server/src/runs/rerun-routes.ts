import { ErrorCode, routes } from '@slipway/api';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth/caller.js';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';
import { requireProject } from '../projects/project-routes.js';
import type { CreateRunContext } from './create-run.js';
import { rerunRun } from './rerun-run.js';
import { retryRun } from './retry-run.js';
import { runView } from './views.js';

/** Running a run again: from the start (rerun), or only its tasks that did not succeed (retry). */
export function rerunRoutes(app: FastifyInstance, context: CreateRunContext): void {
  const { store } = context;

  const requireRun = async (runId: string) => {
    const run = await store.getRun(runId);
    if (!run) throw new HttpError(ErrorCode.NotFound, `no run "${runId}"`);
    return run;
  };

  defineRoute(app, routes.rerunRun, async ({ params, request }) => {
    const original = await requireRun(params.id);
    const project = await requireProject(store, original.projectId);
    const run = await rerunRun(context, project, original, callerOf(request).user);
    return runView(run, project.name);
  });

  defineRoute(app, routes.retryRun, async ({ params, request }) => {
    const original = await requireRun(params.id);
    const project = await requireProject(store, original.projectId);
    const run = await retryRun(context, original, callerOf(request).user);
    return runView(run, project.name);
  });
}
