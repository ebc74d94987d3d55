import { ErrorCode, routes, type SlackSettings } from '@slipway/api';
import { ChatProvider, type ControlStore } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';
import { requireProject } from '../projects/project-routes.js';
import type { SlackSecrets } from './slack-secrets.js';

/** What the Slack settings routes work with. */
export interface SlackSettingsRoutesContext {
  readonly store: ControlStore;
  readonly secrets: SlackSecrets;
  readonly now: () => number;
}

/**
 * The Slack settings: the signing secret and the mapping of Slack users to Slipway users
 * (server admins), and each project's channel for approval requests (project admins).
 * Neither the secret nor a webhook URL is ever answered.
 */
export function slackSettingsRoutes(
  app: FastifyInstance,
  context: SlackSettingsRoutesContext,
): void {
  const { store, secrets, now } = context;
  const settings = (updatedAt: number | null): SlackSettings => ({
    configured: updatedAt !== null,
    commandsPath: routes.receiveSlackCommand.path,
    interactionsPath: routes.receiveSlackInteraction.path,
    updatedAt,
  });

  defineRoute(app, routes.putSlackSettings, async ({ body }) =>
    settings(await secrets.putSigningSecret(body.signingSecret)),
  );

  defineRoute(app, routes.getSlackSettings, async () =>
    settings(await secrets.signingSecretSetAt()),
  );

  defineRoute(app, routes.listSlackUsers, async () => ({
    users: (await store.listChatUsers(ChatProvider.Slack)).map((link) => ({
      slackUser: link.externalId,
      user: link.userName,
      updatedAt: link.updatedAt,
    })),
  }));

  defineRoute(app, routes.putSlackUser, async ({ params, body }) => {
    const updatedAt = now();
    await store.putChatUser({
      provider: ChatProvider.Slack,
      externalId: params.slackUser,
      userName: body.user,
      updatedAt,
    });
    return { slackUser: params.slackUser, user: body.user, updatedAt };
  });

  defineRoute(app, routes.deleteSlackUser, async ({ params }) => {
    if (!(await store.deleteChatUser(ChatProvider.Slack, params.slackUser))) {
      throw new HttpError(ErrorCode.NotFound, `Slack user ${params.slackUser} is not mapped`);
    }
    return null;
  });

  defineRoute(app, routes.putProjectSlack, async ({ params, body }) => {
    const project = await requireProject(store, params.project);
    const named = body.channel?.trim() ?? '';
    const channel = named === '' ? null : named;
    const updatedAt = await secrets.putProjectChannel(project.id, body.webhookUrl, channel);
    return { channel, updatedAt };
  });

  defineRoute(app, routes.getProjectSlack, async ({ params }) => {
    const project = await requireProject(store, params.project);
    const stored = await store.findProjectChat(project.id, ChatProvider.Slack);
    if (stored === null) throw noChannel(project.name);
    return { channel: stored.channel, updatedAt: stored.updatedAt };
  });

  defineRoute(app, routes.deleteProjectSlack, async ({ params }) => {
    const project = await requireProject(store, params.project);
    if (!(await store.deleteProjectChat(project.id, ChatProvider.Slack))) {
      throw noChannel(project.name);
    }
    return null;
  });
}

function noChannel(project: string): HttpError {
  return new HttpError(
    ErrorCode.NotFound,
    `project "${project}" posts to no Slack channel: set one with \`slipway chat slack channel ${project} --webhook-url-stdin\``,
  );
}
