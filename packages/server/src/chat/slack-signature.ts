import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The version of Slack's signing scheme Slipway checks. */
const VERSION = 'v0';

/**
 * Slack's `X-Slack-Signature` for a request: `v0=` and the hex HMAC-SHA256, under the
 * app's signing secret, of `v0:TIMESTAMP:BODY`, the body exactly as received.
 */
export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  const mac = createHmac('sha256', secret)
    .update(`${VERSION}:${timestamp}:${rawBody}`, 'utf8')
    .digest('hex');
  return `${VERSION}=${mac}`;
}

/**
 * Whether `given` is the signature of the request. The comparison takes the same time
 * whatever `given` is: both sides are hashed to equal length first.
 */
export function isSlackSignature(
  secret: string,
  timestamp: string,
  rawBody: string,
  given: string,
): boolean {
  const expected = slackSignature(secret, timestamp, rawBody);
  return timingSafeEqual(digest(given), digest(expected));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
