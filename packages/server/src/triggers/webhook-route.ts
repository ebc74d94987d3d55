import { ErrorCode, routes, WebhookPath, type WebhookAccepted } from '@slipway/api';
import {
  isUserError,
  type ControlStore,
  type Forge,
  type NewTriggerEvent,
  type Project,
  type RecordedTriggerEvent,
  type TriggerEventRecord,
} from '@slipway/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../http/http-error.js';
import { parseInput } from '../http/parse-input.js';
import { fastifyUrl } from '../http/rest-path.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { header, verifySignature, type Headers } from './verify-signature.js';
import type { GroupCommit } from '../loops/group-commit.js';
import type { WebhookSecrets } from './webhook-secrets.js';
import { normalizeEvent } from './normalize-event.js';

/** Largest webhook body. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** The headers naming a delivery's event kind and id, per forge. */
const DELIVERY_HEADERS: Readonly<Record<Forge, { readonly kind: string; readonly id: string }>> = {
  github: { kind: 'x-github-event', id: 'x-github-delivery' },
  gitlab: { kind: 'x-gitlab-event', id: 'x-gitlab-event-uuid' },
  gitea: { kind: 'x-gitea-event', id: 'x-gitea-delivery' },
  generic: { kind: 'x-slipway-event', id: 'x-slipway-delivery' },
};

/** Every refused signature gets this answer, whatever the cause, so it reveals nothing. */
const REFUSED =
  "the delivery is not signed with this project's webhook secret (or none is set): set one with `slipway project webhook` and give the forge the same secret";

/** What the webhook route works with. */
export interface WebhookRouteContext {
  readonly store: ControlStore;
  readonly webhooks: WebhookSecrets;
  /** Stores deliveries, grouping concurrent ones into one commit. */
  readonly writer: GroupCommit<NewTriggerEvent, RecordedTriggerEvent>;
  readonly metrics: ServerMetrics;
  readonly now: () => number;
  /**
   * Called once a new event is stored: a pending one wakes whoever handles events, one
   * stored `ignored` is settled already.
   */
  readonly onStored: (event: TriggerEventRecord) => void;
  /** Called when a stored secret cannot be opened (another server key). */
  readonly onSecretError: (error: unknown, project: string) => void;
}

/**
 * `POST /api/projects/:project/hooks/:forge`. The body is kept as raw bytes (in a
 * Fastify scope of its own, so no other route changes): the signature is checked over
 * exactly what was sent, before the JSON is read. The delivery is answered 202 only
 * once it is stored; a delivery id seen before is answered 202 with `duplicate` and
 * stores nothing. A delivery whose payload alone shows that it starts nothing (a push
 * deleting a branch, a kind of event no trigger reads) is stored settled as `ignored`,
 * so the background handling never claims it. No secret set, a secret this server
 * cannot open, a missing or wrong signature: all 401 with one message. An unknown project is answered the same way, so
 * that project names cannot be probed.
 */
export function webhookRoute(app: FastifyInstance, context: WebhookRouteContext): void {
  const route = routes.receiveWebhook;
  const projects = new ProjectCache(context.store);
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_request, body, parsed) => {
        parsed(null, body);
      },
    );
    scope.route({
      method: route.method,
      url: fastifyUrl(route),
      bodyLimit: WEBHOOK_BODY_LIMIT,
      handler: async (request, reply) => {
        const accepted = await receive(context, projects, request);
        return reply.code(route.status).send(accepted);
      },
    });
    done();
  });
}

async function receive(
  context: WebhookRouteContext,
  projects: ProjectCache,
  request: FastifyRequest,
): Promise<WebhookAccepted> {
  const { webhooks, metrics } = context;
  const params = parseInput(WebhookPath, request.params, 'path');
  const forge = params.forge;
  const refuse = (reason: string): HttpError => {
    metrics.webhookRejected(forge, reason);
    return new HttpError(ErrorCode.Unauthorized, REFUSED);
  };
  const body = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  const project = await projects.find(params.project);
  if (project === null) throw refuse('no_secret');
  let settings;
  try {
    settings = await webhooks.open(project.id);
  } catch (error) {
    if (!isUserError(error)) throw error;
    context.onSecretError(error, project.name);
    throw refuse('no_secret');
  }
  if (settings?.forge !== forge) throw refuse('no_secret');
  const headers = request.headers as Headers;
  if (!(await verifySignature(forge, settings.secret, body, headers))) {
    throw refuse('bad_signature');
  }

  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    metrics.webhookRejected(forge, 'malformed');
    throw new HttpError(
      ErrorCode.InvalidRequest,
      'the body is not JSON: set the webhook content type to application/json',
    );
  }
  if (typeof payload !== 'object' || payload === null) {
    metrics.webhookRejected(forge, 'malformed');
    throw new HttpError(ErrorCode.InvalidRequest, 'the body is not a JSON object');
  }
  const names = DELIVERY_HEADERS[forge];
  const kind = header(headers, names.kind);
  const deliveryId = header(headers, names.id);
  if (kind === undefined || deliveryId === undefined) {
    metrics.webhookRejected(forge, 'missing_header');
    const missing = kind === undefined ? names.kind : names.id;
    throw new HttpError(
      ErrorCode.InvalidRequest,
      `the delivery has no ${missing} header: send the ${forge} webhook as the forge sends it`,
    );
  }
  const ignored = ignoredOnArrival(forge, kind, payload);
  const recorded = await context.writer.add({
    projectId: project.id,
    source: forge,
    deliveryId: deliveryId.slice(0, 200),
    kind: kind.slice(0, 100),
    payload: body,
    receivedAt: context.now(),
    ...(ignored !== undefined ? { ignored } : {}),
  });
  metrics.webhookReceived(forge, recorded.duplicate);
  if (!recorded.duplicate) context.onStored(recorded.event);
  return { event: recorded.event.id, duplicate: recorded.duplicate };
}

/**
 * Why a delivery starts nothing, when its payload alone shows it; undefined when the
 * background handling must decide. A payload the reading fails on for any other reason
 * is left to that handling too, which reports the failure and keeps the event.
 */
function ignoredOnArrival(forge: Forge, kind: string, payload: object): string | undefined {
  try {
    const normalized = normalizeEvent(forge, kind, payload);
    return 'ignored' in normalized ? normalized.ignored : undefined;
  } catch {
    return undefined;
  }
}

/** Projects by id or name, kept once found: a project's id, name and source never change. */
class ProjectCache {
  private readonly known = new Map<string, Project>();

  constructor(private readonly store: ControlStore) {}

  async find(idOrName: string): Promise<Project | null> {
    const cached = this.known.get(idOrName);
    if (cached !== undefined) return cached;
    const project = await this.store.findProject(idOrName);
    if (project !== null) {
      if (this.known.size >= 10_000) this.known.clear();
      this.known.set(idOrName, project);
    }
    return project;
  }
}
