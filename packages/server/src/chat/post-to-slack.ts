import { checkSlackHooksUrl } from './slack-hooks-url.js';

/** How long a post to Slack may take. */
const TIMEOUT_MS = 10_000;

/**
 * Posts a JSON message to a Slack hooks URL (a `response_url` or an incoming webhook)
 * after checking it is under `origin`. Throws when Slack does not answer 2xx.
 */
export async function postToSlack(url: string, message: unknown, origin: string): Promise<void> {
  const target = checkSlackHooksUrl(url, origin);
  const response = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    redirect: 'error',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  await response.body?.cancel();
  if (!response.ok) {
    throw new Error(`Slack answered ${response.status} to a post to ${new URL(target).host}`);
  }
}
