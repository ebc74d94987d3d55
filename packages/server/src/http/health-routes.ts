import { ErrorCode, openApiDocument, routes } from '@slipway/api';
import type { ControlStore } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { defineRoute } from './define-route.js';
import { HttpError } from './http-error.js';

/** A project name no project can have, looked up to see that the store answers. */
const PROBE = 'Readiness Probe!';

/** `/healthz`, `/readyz` and `/api/openapi.json`. */
export function healthRoutes(
  app: FastifyInstance,
  store: ControlStore,
  stopping: () => boolean,
): void {
  defineRoute(app, routes.health, () => Promise.resolve({ status: 'ok' as const }));

  defineRoute(app, routes.readiness, async ({ request }) => {
    if (stopping()) throw new HttpError(ErrorCode.Unavailable, 'the server is stopping');
    try {
      await store.findProject(PROBE);
    } catch (error) {
      request.log.warn({ err: error }, 'store not reachable');
      throw new HttpError(ErrorCode.Unavailable, 'the store is not reachable');
    }
    return { status: 'ready' as const };
  });

  let document: Record<string, unknown> | undefined;
  defineRoute(app, routes.openApi, () => {
    document ??= openApiDocument();
    return Promise.resolve(document);
  });
}
