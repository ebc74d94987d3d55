import { ChatProvider, isUserError, type ControlStore } from '@slipway/core';
import { header, type Headers } from '../triggers/verify-signature.js';
import { isSlackSignature } from './slack-signature.js';
import type { SlackSecrets } from './slack-secrets.js';

/** Why a request said to come from Slack was refused (the label of the rejection metric). */
export const SlackRejection = {
  /** No signing secret is set, or this server's key cannot open it: fail closed. */
  NoSecret: 'no_secret',
  /** `X-Slack-Signature` or `X-Slack-Request-Timestamp` is missing. */
  MissingHeader: 'missing_header',
  /** The timestamp is not within {@link SLACK_WINDOW_MS} of the server's clock. */
  Stale: 'stale',
  BadSignature: 'bad_signature',
  /** A correctly signed request seen before. */
  Replay: 'replay',
  /** Signed, but not a slash command or button press Slipway reads. */
  Malformed: 'malformed',
} as const;
export type SlackRejection = (typeof SlackRejection)[keyof typeof SlackRejection];

/** How far a request's timestamp may be from the server's clock, either way. */
export const SLACK_WINDOW_MS = 5 * 60 * 1000;

/** What checking a request works with. */
export interface VerifySlackContext {
  readonly store: ControlStore;
  readonly secrets: SlackSecrets;
  readonly now: () => number;
  /** Called when the stored secret cannot be opened (another server key). */
  readonly onSecretError: (error: unknown) => void;
}

/**
 * Checks that a request comes from Slack, in this order: a signing secret is set (fail
 * closed otherwise); both headers are there; the timestamp is within five minutes of the
 * server's clock; `X-Slack-Signature` is the HMAC of `v0:TIMESTAMP:BODY` over the raw
 * body (compared in constant time); and the signature was not seen before. Signatures
 * are remembered in the store for twice the window, so a replay is refused by every
 * replica; only correctly signed requests are remembered. Answers null when the request
 * is good, else why not.
 */
export async function verifySlackRequest(
  context: VerifySlackContext,
  rawBody: string,
  headers: Headers,
): Promise<SlackRejection | null> {
  let secret: string | null;
  try {
    secret = await context.secrets.signingSecret();
  } catch (error) {
    if (!isUserError(error)) throw error;
    context.onSecretError(error);
    return SlackRejection.NoSecret;
  }
  if (secret === null) return SlackRejection.NoSecret;
  const signature = header(headers, 'x-slack-signature');
  const timestamp = header(headers, 'x-slack-request-timestamp');
  if (signature === undefined || timestamp === undefined) return SlackRejection.MissingHeader;
  if (!/^\d{1,12}$/.test(timestamp)) return SlackRejection.Stale;
  const sentAt = Number(timestamp) * 1000;
  const now = context.now();
  if (Math.abs(now - sentAt) > SLACK_WINDOW_MS) return SlackRejection.Stale;
  if (!isSlackSignature(secret, timestamp, rawBody, signature)) return SlackRejection.BadSignature;
  const fresh = await context.store.recordChatRequest(
    ChatProvider.Slack,
    signature,
    sentAt,
    now - 2 * SLACK_WINDOW_MS,
  );
  return fresh ? null : SlackRejection.Replay;
}
