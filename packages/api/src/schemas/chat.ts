import { z } from 'zod';
import { UserName } from './access.js';
import { Timestamp } from './common.js';

export const PutSlackSettingsRequest = z.strictObject({
  signingSecret: z
    .string()
    .min(1, 'give the signing secret on standard input')
    .max(200)
    .describe(
      "The Slack app's signing secret (Basic Information → App Credentials); never returned.",
    ),
});
export type PutSlackSettingsRequest = z.infer<typeof PutSlackSettingsRequest>;

/** What the API shows of the server's Slack settings: never the signing secret. */
export const SlackSettings = z.object({
  configured: z.boolean().describe('True once a signing secret is set.'),
  commandsPath: z.string().describe('Where the slash command is sent: the Request URL path.'),
  interactionsPath: z.string().describe('Where button presses are sent: the Request URL path.'),
  updatedAt: Timestamp.nullable(),
});
export type SlackSettings = z.infer<typeof SlackSettings>;

/** A Slack user id such as `U024BE7LH` (workspace users start with U or W). */
export const SlackUserId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,30}$/, 'a Slack user id looks like U024BE7LH')
  .describe("The Slack user's id (profile → ⋮ → Copy member ID).");

export const SlackUserPath = z.object({ slackUser: SlackUserId });

export const PutSlackUserRequest = z.strictObject({
  user: UserName.describe('The Slipway user whose project roles authorize this Slack user.'),
});
export type PutSlackUserRequest = z.infer<typeof PutSlackUserRequest>;

/** A Slack user mapped to a Slipway user. */
export const SlackUser = z.object({
  slackUser: z.string(),
  user: z.string(),
  updatedAt: Timestamp,
});
export type SlackUser = z.infer<typeof SlackUser>;

export const SlackUserList = z.object({ users: z.array(SlackUser) });
export type SlackUserList = z.infer<typeof SlackUserList>;

export const PutProjectSlackRequest = z.strictObject({
  webhookUrl: z
    .string()
    .min(1, 'give the incoming webhook URL on standard input')
    .max(2000)
    .describe(
      "The channel's incoming webhook URL (https://hooks.slack.com/services/…); never returned.",
    ),
  channel: z
    .string()
    .max(200)
    .optional()
    .describe('The channel the webhook posts to, such as #deploys, for people to read.'),
});
export type PutProjectSlackRequest = z.infer<typeof PutProjectSlackRequest>;

/** What the API shows of a project's Slack channel: never the webhook URL. */
export const ProjectSlack = z.object({
  channel: z.string().nullable(),
  updatedAt: Timestamp,
});
export type ProjectSlack = z.infer<typeof ProjectSlack>;

/** The acknowledgement of a slash command or a button press, shown to the user alone. */
export const SlackAcknowledgement = z.object({
  response_type: z.literal('ephemeral').optional(),
  text: z.string().optional(),
});
export type SlackAcknowledgement = z.infer<typeof SlackAcknowledgement>;
