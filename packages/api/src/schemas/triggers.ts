import type {
  Forge as CoreForge,
  TriggerEventStatus as CoreTriggerEventStatus,
} from '@slipway/core';
import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { covering } from './covering.js';
import { ProjectPath } from './projects.js';

/** Longest webhook secret, in UTF-16 code units. */
export const WEBHOOK_SECRET_MAX_LENGTH = 1024;

export const ForgeName = covering<CoreForge>()(z.enum(['github', 'gitlab', 'gitea', 'generic']));
export type ForgeName = z.infer<typeof ForgeName>;

export const TriggerEventStatus = covering<CoreTriggerEventStatus>()(
  z.enum(['pending', 'processed', 'ignored', 'failed']),
);
export type TriggerEventStatus = z.infer<typeof TriggerEventStatus>;

export const PutWebhookRequest = z.strictObject({
  forge: ForgeName.describe('The forge that sends the webhook; it decides how it is signed.'),
  secret: z
    .string()
    .min(16, 'use a secret of at least 16 characters, such as `openssl rand -hex 32`')
    .max(WEBHOOK_SECRET_MAX_LENGTH)
    .describe('The webhook secret shared with the forge; it is never returned.'),
});
export type PutWebhookRequest = z.infer<typeof PutWebhookRequest>;

/** What the API shows of a project's webhook settings: never the secret. */
export const WebhookSettings = z.object({
  forge: ForgeName,
  path: z.string().describe('The path the forge posts to, after the server URL.'),
  updatedAt: Timestamp,
});
export type WebhookSettings = z.infer<typeof WebhookSettings>;

export const WebhookPath = ProjectPath.extend({ forge: ForgeName });

/** The answer to a webhook delivery: stored (or stored before, for a replay). */
export const WebhookAccepted = z.object({
  event: Id.describe('The stored trigger event.'),
  duplicate: z.boolean().describe('True when this delivery id was received before.'),
});
export type WebhookAccepted = z.infer<typeof WebhookAccepted>;

export const TriggerEventView = z.object({
  id: Id,
  source: z.string().describe('github, gitlab, gitea, generic, cron or pipeline.'),
  deliveryId: z.string(),
  kind: z.string().describe("The sender's name for the event, such as push or pull_request."),
  receivedAt: Timestamp,
  status: TriggerEventStatus,
  outcome: z
    .string()
    .nullable()
    .describe('The runs created, or why the event was ignored or failed.'),
  runIds: z.array(Id),
  processedAt: Timestamp.nullable(),
});
export type TriggerEventView = z.infer<typeof TriggerEventView>;

export const ListTriggerEventsQuery = z.strictObject({
  status: TriggerEventStatus.optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('At most this many events, 1 to 100; 20 when absent.'),
  before: Id.optional().describe('The `nextBefore` of the previous page.'),
});
export type ListTriggerEventsQuery = z.infer<typeof ListTriggerEventsQuery>;

export const TriggerEventList = z.object({
  events: z.array(TriggerEventView),
  nextBefore: Id.nullable().describe('Pass as `before` for the next page; null on the last page.'),
});
export type TriggerEventList = z.infer<typeof TriggerEventList>;
