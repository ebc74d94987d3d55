import { ErrorCode, routes } from '@slipway/api';
import type { ControlStore, RunRecord } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth/caller.js';
import { visibleProjectIds } from '../auth/visible-projects.js';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';
import { projectCommitUrl } from '../forges/commit-web-url.js';
import { requireProject } from '../projects/project-routes.js';
import type { RunDriver } from '../scheduler/run-driver.js';
import { createRun, type CreateRunContext } from './create-run.js';
import { decideApproval } from './decide-approval.js';
import { runView, taskView } from './views.js';

const DEFAULT_RUN_PAGE = 20;
const DEFAULT_LOG_PAGE = 1000;

async function requireRun(store: ControlStore, runId: string): Promise<RunRecord> {
  const run = await store.getRun(runId);
  if (!run) throw new HttpError(ErrorCode.NotFound, `no run "${runId}"`);
  return run;
}

async function projectName(store: ControlStore, projectId: string): Promise<string> {
  return (await store.findProject(projectId))?.name ?? projectId;
}

/** Creating, listing, showing and cancelling runs, deciding approvals, and reading task logs. */
export function runRoutes(
  app: FastifyInstance,
  context: CreateRunContext & { readonly driver: RunDriver },
): void {
  const { store, driver } = context;

  defineRoute(app, routes.createRun, async ({ params, body, request }) => {
    const project = await requireProject(store, params.project);
    const run = await createRun(context, project, body, callerOf(request).user);
    return runView(run, project.name);
  });

  defineRoute(app, routes.listRuns, async ({ query, request }) => {
    const limit = query.limit ?? DEFAULT_RUN_PAGE;
    if (query.before !== undefined && query.project === undefined) {
      const message = 'paging by run number needs a project';
      throw new HttpError(ErrorCode.InvalidRequest, message, [
        { in: 'query', path: 'before', message },
      ]);
    }
    const visible = await visibleProjectIds(store, callerOf(request));
    const project =
      query.project === undefined ? undefined : await requireProject(store, query.project);
    if (project && visible && !visible.has(project.id)) {
      throw new HttpError(ErrorCode.NotFound, `no project "${query.project ?? ''}"`);
    }
    const runs = await store.listRuns({
      limit,
      ...(project ? { projectId: project.id } : visible ? { projectIds: [...visible] } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.pipeline !== undefined ? { pipeline: query.pipeline } : {}),
      ...(query.branch !== undefined ? { branch: query.branch } : {}),
      ...(query.before !== undefined ? { before: query.before } : {}),
    });
    const names = project
      ? new Map([[project.id, project.name]])
      : new Map((await store.listProjects()).map((p) => [p.id, p.name]));
    const last = runs.at(-1);
    return {
      runs: runs.map((run) => runView(run, names.get(run.projectId) ?? run.projectId)),
      nextBefore: project && runs.length === limit && last ? last.number : null,
    };
  });

  defineRoute(app, routes.getRun, async ({ params }) => {
    const run = await requireRun(store, params.id);
    const hasApprovals = run.plan.tasks.some((t) => t.approval !== undefined);
    const [tasks, name, approvals, commitUrl] = await Promise.all([
      store.listTasks(run.id),
      projectName(store, run.projectId),
      hasApprovals ? store.listApprovals(run.id) : [],
      projectCommitUrl(store, run.projectId, run.trigger.commit),
    ]);
    const planTasks = new Map(run.plan.tasks.map((t) => [t.id, t]));
    const decisions = new Map(approvals.map((a) => [a.taskId, a]));
    return {
      run: runView(run, name),
      plan: run.plan,
      tasks: tasks.map((t) =>
        taskView(t, planTasks.get(t.taskId), decisions.get(t.taskId) ?? null),
      ),
      commitUrl,
    };
  });

  defineRoute(app, routes.decideApproval, async ({ params, body, request }) =>
    decideApproval(context, callerOf(request), params.id, params.task, body),
  );

  defineRoute(app, routes.cancelRun, async ({ params, body }) => {
    const run = await requireRun(store, params.id);
    await driver.apply(run.id, {
      type: body.mode === 'kill' ? 'kill_requested' : 'cancel_requested',
    });
    return runView(await requireRun(store, run.id), await projectName(store, run.projectId));
  });

  defineRoute(app, routes.readTaskLogs, async ({ params, query }) => {
    const run = await requireRun(store, params.id);
    const task = (await store.listTasks(run.id)).find((t) => t.taskId === params.task);
    if (!task) {
      throw new HttpError(ErrorCode.NotFound, `run ${run.id} has no task "${params.task}"`);
    }
    const after = query.after ?? -1;
    let attemptId = task.attemptId;
    let attempt = task.attempt;
    if (query.attempt !== undefined) {
      const found = await store.findAttempt(run.id, task.taskId, query.attempt);
      if (!found) {
        const message = `task "${task.taskId}" of run ${run.id} has no attempt ${query.attempt}`;
        throw new HttpError(ErrorCode.NotFound, message);
      }
      attemptId = found.attemptId;
      attempt = found.attempt;
    }
    if (attemptId === null) {
      return { attemptId: null, attempt, chunks: [], next: after };
    }
    const chunks = await store.readLogs(attemptId, after, query.limit ?? DEFAULT_LOG_PAGE);
    return {
      attemptId,
      attempt,
      chunks: chunks.map((c) => ({ ...c })),
      next: chunks.at(-1)?.seq ?? after,
    };
  });
}
