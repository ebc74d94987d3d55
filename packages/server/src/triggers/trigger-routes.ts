import { ErrorCode, routes, type TriggerEventView, type WebhookSettings } from '@slipway/api';
import type { ControlStore, Project, TriggerEventRecord } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';
import { requireProject } from '../projects/project-routes.js';
import type { WebhookSecrets } from './webhook-secrets.js';

/** What the trigger routes work with. */
export interface TriggerRoutesContext {
  readonly store: ControlStore;
  readonly webhooks: WebhookSecrets;
}

const DEFAULT_PAGE = 20;

/**
 * `PUT`/`GET /api/projects/:project/webhook` (project admins; the secret is never
 * answered) and `GET /api/projects/:project/trigger-events` (developers).
 */
export function triggerRoutes(app: FastifyInstance, context: TriggerRoutesContext): void {
  const { store, webhooks } = context;

  defineRoute(app, routes.putProjectWebhook, async ({ params, body }) => {
    const project = await requireProject(store, params.project);
    const updatedAt = await webhooks.put(project.id, body.forge, body.secret);
    return settingsView(project, body.forge, updatedAt);
  });

  defineRoute(app, routes.getProjectWebhook, async ({ params }) => {
    const project = await requireProject(store, params.project);
    const stored = await store.findProjectWebhook(project.id);
    if (stored === null) {
      throw new HttpError(
        ErrorCode.NotFound,
        `project "${project.name}" has no webhook: set one with \`slipway project webhook ${project.name} --forge FORGE\``,
      );
    }
    return settingsView(project, stored.forge, stored.updatedAt);
  });

  defineRoute(app, routes.listTriggerEvents, async ({ params, query }) => {
    const project = await requireProject(store, params.project);
    if (query.before !== undefined) {
      const from = await store.findTriggerEvent(query.before);
      if (from?.projectId !== project.id) {
        throw new HttpError(
          ErrorCode.NotFound,
          `project "${project.name}" has no event "${query.before}": page on from an event id of the list, such as the nextBefore of the page before`,
        );
      }
    }
    const limit = query.limit ?? DEFAULT_PAGE;
    const events = await store.listTriggerEvents({
      projectId: project.id,
      limit,
      ...(query.before !== undefined ? { before: query.before } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
    });
    return {
      events: events.map(eventView),
      nextBefore: events.length === limit ? (events[events.length - 1]?.id ?? null) : null,
    };
  });
}

function settingsView(project: Project, forge: WebhookSettings['forge'], updatedAt: number) {
  return { forge, path: `/api/projects/${project.name}/hooks/${forge}`, updatedAt };
}

function eventView(event: TriggerEventRecord): TriggerEventView {
  return {
    id: event.id,
    source: event.source,
    deliveryId: event.deliveryId,
    kind: event.kind,
    receivedAt: event.receivedAt,
    status: event.status,
    outcome: event.outcome,
    runIds: [...event.runIds],
    processedAt: event.processedAt,
  };
}
