import { ErrorCode, routes } from '@slipway/api';
import type { ControlStore } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';
import { requireProject } from '../projects/project-routes.js';
import type { ProjectSecrets } from './project-secrets.js';

/** What the secret routes work with. */
export interface SecretRoutesContext {
  readonly store: ControlStore;
  readonly secrets: ProjectSecrets;
}

/**
 * `PUT`, `GET` and `DELETE` of `/api/projects/:project/secrets[/:name]`. No route ever
 * answers with a secret's value.
 */
export function secretRoutes(app: FastifyInstance, context: SecretRoutesContext): void {
  const { store, secrets } = context;

  defineRoute(app, routes.putSecret, async ({ params, body }) => {
    const project = await requireProject(store, params.project);
    return secrets.put(project.id, params.name, body.value);
  });

  defineRoute(app, routes.listSecrets, async ({ params }) => {
    const project = await requireProject(store, params.project);
    return { secrets: await secrets.list(project.id) };
  });

  defineRoute(app, routes.deleteSecret, async ({ params }) => {
    const project = await requireProject(store, params.project);
    if (!(await secrets.delete(project.id, params.name))) {
      throw new HttpError(
        ErrorCode.NotFound,
        `project "${project.name}" has no secret ${params.name}`,
      );
    }
    return null;
  });
}
