import { routes } from '@slipway/api';
import type { ControlStore } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import type { ProjectForges } from '../forges/project-forges.js';
import { defineRoute } from '../http/define-route.js';
import { requireProject } from '../projects/project-routes.js';

/** What the auto-merge route works with. */
export interface AutoMergeRoutesContext {
  readonly store: ControlStore;
  readonly forges: ProjectForges;
}

/** `PUT /api/projects/:project/auto-merge` (project admins): turns auto-merge on or off. */
export function autoMergeRoutes(app: FastifyInstance, context: AutoMergeRoutesContext): void {
  const { store, forges } = context;
  defineRoute(app, routes.putProjectAutoMerge, async ({ params, body }) => {
    const project = await requireProject(store, params.project);
    const method = await forges.setAutoMerge(project.id, project.name, body.enabled, body.method);
    return { enabled: method !== null, method };
  });
}
