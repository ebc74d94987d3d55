import { ErrorCode, routes } from '@slipway/api';
import type { ControlStore, Project } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { GitError } from '../git/run-git.js';
import { inspectSource } from '../git/inspect-source.js';
import { callerOf } from '../auth/caller.js';
import { visibleProjectIds } from '../auth/visible-projects.js';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';
import { projectView } from '../runs/views.js';

/** The project by id or name; a 404 when there is none. */
export async function requireProject(store: ControlStore, idOrName: string): Promise<Project> {
  const project = await store.findProject(idOrName);
  if (!project) throw new HttpError(ErrorCode.NotFound, `no project "${idOrName}"`);
  return project;
}

/**
 * `POST /api/projects`, `GET /api/projects`, `GET /api/projects/:project`, and
 * `PUT /api/projects/:project/default-branch` (project admins).
 */
export function projectRoutes(app: FastifyInstance, store: ControlStore): void {
  defineRoute(app, routes.createProject, async ({ body }) => {
    if (await store.findProject(body.name)) {
      throw new HttpError(ErrorCode.Conflict, `a project named "${body.name}" exists already`, [
        { in: 'body', path: 'name', message: 'is taken' },
      ]);
    }
    let defaultBranch = body.defaultBranch;
    try {
      const info = await inspectSource(body.source);
      if (defaultBranch !== undefined && !info.branches.has(defaultBranch)) {
        const message = `branch "${defaultBranch}" does not exist in ${body.source}`;
        throw new HttpError(ErrorCode.InvalidRequest, message, [
          { in: 'body', path: 'defaultBranch', message },
        ]);
      }
      defaultBranch ??= info.head ?? 'main';
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      const message = `cannot read a Git repository at ${body.source}: ${error.reason}`;
      throw new HttpError(ErrorCode.InvalidRequest, message, [
        { in: 'body', path: 'source', message },
      ]);
    }
    const project = await store.createProject({
      name: body.name,
      source: body.source,
      defaultBranch,
    });
    return projectView(project);
  });

  defineRoute(app, routes.listProjects, async ({ request }) => {
    const visible = await visibleProjectIds(store, callerOf(request));
    const projects = await store.listProjects();
    return {
      projects: projects.filter((p) => visible?.has(p.id) ?? true).map(projectView),
    };
  });

  defineRoute(app, routes.getProject, async ({ params }) =>
    projectView(await requireProject(store, params.project)),
  );

  defineRoute(app, routes.putProjectDefaultBranch, async ({ params, body }) => {
    const project = await requireProject(store, params.project);
    let branches: ReadonlySet<string>;
    try {
      branches = (await inspectSource(project.source)).branches;
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      const message = `cannot read the repository at ${project.source}: ${error.reason}`;
      throw new HttpError(ErrorCode.InvalidRequest, message);
    }
    if (!branches.has(body.branch)) {
      const message = `branch "${body.branch}" does not exist in ${project.source}`;
      throw new HttpError(ErrorCode.InvalidRequest, message, [
        { in: 'body', path: 'branch', message },
      ]);
    }
    const changed = await store.setProjectDefaultBranch(project.id, body.branch);
    if (changed === null) throw new HttpError(ErrorCode.NotFound, `no project "${params.project}"`);
    return projectView(changed);
  });
}
