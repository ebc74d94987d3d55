import { ErrorCode, routes, type PollSettings } from '@slipway/api';
import type { ControlStore, Project, ProjectPoll } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';
import { requireProject } from '../projects/project-routes.js';
import { resetPollBreaker } from './poll-loop.js';

/** What the poll routes work with. */
export interface PollRoutesContext {
  readonly store: ControlStore;
  readonly now: () => number;
  /** Called when a poll became due at once, to wake the poll loop. */
  readonly onDue: () => void;
}

/**
 * `PUT`/`GET`/`DELETE /api/projects/:project/poll` and, for admins,
 * `POST /api/projects/:project/poll/reset`.
 */
export function pollRoutes(app: FastifyInstance, context: PollRoutesContext): void {
  const { store, now } = context;

  defineRoute(app, routes.putProjectPoll, async ({ params, body }) => {
    const project = await requireProject(store, params.project);
    const known = await store.findProjectPoll(project.id);
    const at = now();
    // A project polled for the first time is polled at once (to take its baseline); a
    // new interval counts from the last poll.
    const intervalMs = body.intervalSeconds * 1000;
    const next = known?.lastPolledAt != null ? known.lastPolledAt + intervalMs : at;
    const poll = await store.putPollSettings(project.id, intervalMs, next);
    if (next <= at) context.onDue();
    return pollView(poll);
  });

  defineRoute(app, routes.getProjectPoll, async ({ params }) => {
    const project = await requireProject(store, params.project);
    return pollView(await requirePoll(store, project));
  });

  defineRoute(app, routes.deleteProjectPoll, async ({ params }) => {
    const project = await requireProject(store, params.project);
    if (!(await store.deleteProjectPoll(project.id))) throw notPolled(project);
    return null;
  });

  defineRoute(app, routes.resetProjectPoll, async ({ params }) => {
    const project = await requireProject(store, params.project);
    const poll = await requirePoll(store, project);
    await resetPollBreaker(store, poll, now());
    context.onDue();
    return pollView(await requirePoll(store, project));
  });
}

async function requirePoll(store: ControlStore, project: Project): Promise<ProjectPoll> {
  const poll = await store.findProjectPoll(project.id);
  if (poll === null) throw notPolled(project);
  return poll;
}

function notPolled(project: Project): HttpError {
  return new HttpError(
    ErrorCode.NotFound,
    `project "${project.name}" is not polled: start with \`slipway project poll ${project.name} --every 5m\``,
  );
}

function pollView(poll: ProjectPoll): PollSettings {
  return {
    intervalSeconds: Math.round(poll.intervalMs / 1000),
    nextPollAt: poll.nextPollAt,
    breaker: poll.breaker,
    breakerReason: poll.breakerReason,
    breakerOpenedAt: poll.breakerOpenedAt,
    failures: poll.failures,
    lastError: poll.lastError,
    lastPolledAt: poll.lastPolledAt,
    heads: poll.heads === null ? null : Object.keys(poll.heads).length,
  };
}
