import { ErrorCode, routes, type ApiRoute } from '@slipway/api';
import { ApprovalDecision, type ControlStore } from '@slipway/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../http/http-error.js';
import { fastifyUrl } from '../http/rest-path.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { DecideApprovalContext } from '../runs/decide-approval.js';
import { ApprovalAction, type ApprovalTarget } from './approval-message.js';
import type { BackgroundWork } from './background-work.js';
import { slackUserOf, unmappedRefusal } from './chat-users.js';
import { decideFromChat } from './decide-from-chat.js';
import { parseSlackCommand, SlackCommandName } from './parse-slack-command.js';
import { postToSlack } from './post-to-slack.js';
import type { SlackCommands } from './slack-commands.js';
import { checkSlackHooksUrl } from './slack-hooks-url.js';
import type { SlackSecrets } from './slack-secrets.js';
import { escapeSlack } from './slack-text.js';
import { SlackRejection, verifySlackRequest } from './verify-slack-request.js';

/** Largest body Slack sends (button presses carry the message they belong to). */
export const SLACK_BODY_LIMIT = 1024 * 1024;

/** Every refused request gets this answer, whatever the cause, so it reveals nothing. */
const REFUSED = 'the request is not signed by the Slack app Slipway is set up with';

/** What the Slack intake works with. */
export interface SlackIntakeContext {
  readonly store: ControlStore;
  readonly secrets: SlackSecrets;
  readonly commands: SlackCommands;
  /** How approvals are decided: the same context the approval route uses. */
  readonly approvals: DecideApprovalContext;
  readonly metrics: ServerMetrics;
  readonly now: () => number;
  /** The only origin answers are posted to (`response_url` must be under it). */
  readonly hooksOrigin: string;
  readonly background: BackgroundWork;
  /** Called when work after the acknowledgement failed (a post to Slack, a bug). */
  readonly onError: (error: unknown, what: string) => void;
  /** Called when the stored signing secret cannot be opened (another server key). */
  readonly onSecretError: (error: unknown) => void;
}

const SlashCommand = z.object({
  user_id: z.string().min(1).max(50),
  text: z.string().max(4000).default(''),
  response_url: z.string().min(1).max(2000),
});

const BlockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1).max(50) }),
  response_url: z.string().min(1).max(2000),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().max(2000).optional() }))
    .min(1),
});

const Target = z.object({ run: z.string().min(1).max(200), task: z.string().min(1).max(500) });

/**
 * `POST /api/chat/slack/commands` and `POST /api/chat/slack/interactions`. The body is
 * kept as raw bytes (in a Fastify scope of their own) so the signature is checked over
 * exactly what Slack sent (see {@link verifySlackRequest}); every refusal is one 401
 * that reveals nothing. Slack wants an answer within 3 s: a slash command is acknowledged
 * at once with an ephemeral message (the help, or that the command is being carried
 * out), the work is done afterwards and its outcome posted to `response_url`, which must
 * be under the server's Slack hooks origin. A button press is acknowledged empty and its
 * outcome posted the same way.
 */
export function slackIntakeRoutes(app: FastifyInstance, context: SlackIntakeContext): void {
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: SLACK_BODY_LIMIT },
      (_request, body, parsed) => {
        parsed(null, body);
      },
    );
    raw(scope, routes.receiveSlackCommand, 'command', (request, reply) =>
      receiveCommand(context, request, reply),
    );
    raw(scope, routes.receiveSlackInteraction, 'interaction', (request, reply) =>
      receiveInteraction(context, request, reply),
    );
    done();
  });

  function raw(
    scope: FastifyInstance,
    route: ApiRoute,
    kind: 'command' | 'interaction',
    handle: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ): void {
    scope.route({
      method: route.method,
      url: fastifyUrl(route),
      bodyLimit: SLACK_BODY_LIMIT,
      handler: async (request, reply) => {
        const started = performance.now();
        const answer = await handle(request, reply);
        context.metrics.slackAcknowledged(kind, (performance.now() - started) / 1000);
        return reply.code(200).send(answer);
      },
    });
  }
}

/** The form fields of a verified request; refuses an unsigned one with the one 401. */
async function verifiedForm(
  context: SlackIntakeContext,
  request: FastifyRequest,
): Promise<URLSearchParams> {
  const body = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  const rejection = await verifySlackRequest(context, body, request.headers);
  if (rejection !== null) {
    context.metrics.slackRejected(rejection);
    throw new HttpError(ErrorCode.Unauthorized, REFUSED);
  }
  return new URLSearchParams(body);
}

function malformed(context: SlackIntakeContext, message: string): HttpError {
  context.metrics.slackRejected(SlackRejection.Malformed);
  return new HttpError(ErrorCode.InvalidRequest, message);
}

/** A `response_url` under the hooks origin, or a 400. */
function responseUrl(context: SlackIntakeContext, value: string): string {
  try {
    return checkSlackHooksUrl(value, context.hooksOrigin);
  } catch {
    throw malformed(context, `response_url must be under ${context.hooksOrigin}/`);
  }
}

async function receiveCommand(
  context: SlackIntakeContext,
  request: FastifyRequest,
  _reply: FastifyReply,
): Promise<unknown> {
  const form = await verifiedForm(context, request);
  const fields = SlashCommand.safeParse(Object.fromEntries(form));
  if (!fields.success) {
    throw malformed(context, 'a slash command has user_id, text and response_url fields');
  }
  const { user_id: slackUser, text } = fields.data;
  const command = parseSlackCommand(text);
  if (command.name === SlackCommandName.Help) {
    const answer = await context.commands.answer(slackUser, command);
    return { response_type: 'ephemeral', text: escapeSlack(answer) };
  }
  const url = responseUrl(context, fields.data.response_url);
  context.background.start(
    async () => {
      const answer = await context.commands.answer(slackUser, command);
      await answerSlack(context, url, { response_type: 'ephemeral', text: escapeSlack(answer) });
    },
    (error) => {
      context.onError(error, `carry out /slipway ${command.name}`);
    },
  );
  return {
    response_type: 'ephemeral',
    text: escapeSlack(
      `Slipway: working on /slipway ${command.name} ${command.args.join(' ')}`.trim(),
    ),
  };
}

async function receiveInteraction(
  context: SlackIntakeContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const form = await verifiedForm(context, request);
  let payload: unknown;
  try {
    payload = JSON.parse(form.get('payload') ?? '');
  } catch {
    throw malformed(context, 'an interaction has a payload field holding JSON');
  }
  const parsed = BlockActions.safeParse(payload);
  const action = parsed.data?.actions[0];
  if (!parsed.success || action === undefined) {
    // Other interactions (shortcuts, views) are not Slipway's: acknowledged, ignored.
    void reply.code(200);
    return '';
  }
  const decision =
    action.action_id === ApprovalAction.Approve
      ? ApprovalDecision.Approve
      : action.action_id === ApprovalAction.Reject
        ? ApprovalDecision.Reject
        : null;
  let target: ApprovalTarget | null = null;
  try {
    target = Target.parse(JSON.parse(action.value ?? ''));
  } catch {
    target = null;
  }
  if (decision === null || target === null) {
    throw malformed(context, 'the button is not an Approve or Reject button of Slipway');
  }
  const url = responseUrl(context, parsed.data.response_url);
  const slackUser = parsed.data.user.id;
  const chosen = target;
  context.background.start(
    async () => {
      const user = await slackUserOf(context.store, slackUser);
      if (user === null) {
        await answerSlack(context, url, replyTo(escapeSlack(unmappedRefusal(slackUser))));
        return;
      }
      const outcome = await decideFromChat(
        context.approvals,
        user,
        chosen.run,
        chosen.task,
        decision,
      );
      const line = escapeSlack(`Slipway: ${outcome.line}.`);
      await answerSlack(
        context,
        url,
        outcome.decided ? { replace_original: true, text: line } : replyTo(line),
      );
    },
    (error) => {
      context.onError(error, `${decision} a task from Slack`);
    },
  );
  return '';
}

/** An answer to the person who pressed, leaving the message and its buttons as they are. */
function replyTo(text: string): Record<string, unknown> {
  return { response_type: 'ephemeral', replace_original: false, text };
}

async function answerSlack(
  context: SlackIntakeContext,
  url: string,
  message: Record<string, unknown>,
): Promise<void> {
  await postToSlack(url, message, context.hooksOrigin, {
    signal: context.background.signal,
    onTry: (delivered) => {
      context.metrics.slackReplied(delivered);
    },
  });
}
