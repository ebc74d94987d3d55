import { ErrorCode, routes } from '@slipway/api';
import type { ControlStore } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';
import { requireProject } from '../projects/project-routes.js';
import type { ProjectForges } from './project-forges.js';

/** What the forge settings routes work with. */
export interface ForgeRoutesContext {
  readonly store: ControlStore;
  readonly forges: ProjectForges;
}

/** `PUT`/`GET /api/projects/:project/forge` (project admins; the token is never answered). */
export function forgeRoutes(app: FastifyInstance, context: ForgeRoutesContext): void {
  const { store, forges } = context;

  defineRoute(app, routes.putProjectForge, async ({ params, body }) => {
    const project = await requireProject(store, params.project);
    return forges.put(project.id, body);
  });

  defineRoute(app, routes.getProjectForge, async ({ params }) => {
    const project = await requireProject(store, params.project);
    const view = await forges.view(project.id);
    if (view === null) {
      throw new HttpError(
        ErrorCode.NotFound,
        `project "${project.name}" reports to no forge: set it with \`slipway project forge ${project.name} --repository OWNER/NAME --token-stdin\``,
      );
    }
    return view;
  });
}
