import { fetchWithRetries, type RetryPolicy } from '../http/fetch-with-retries.js';
import { checkSlackHooksUrl } from './slack-hooks-url.js';

/** How posts to Slack are tried; by default 4 tries in all, at most 5 s apart. */
export interface SlackPostOptions extends RetryPolicy {
  /** Called after each try with whether Slack took the message, for the replies metric. */
  readonly onTry?: (delivered: boolean) => void;
}

/**
 * Posts a JSON message to a Slack hooks URL (a `response_url` or an incoming webhook)
 * after checking it is under `origin`. Server errors, 429 (after its `Retry-After`, up to
 * the longest delay) and network failures are tried again with exponential backoff and
 * jitter, other answers never. Throws when the last try did not get a 2xx; Slack's
 * plain-text error code, such as `no_service`, is part of the message.
 */
export async function postToSlack(
  url: string,
  message: unknown,
  origin: string,
  options: SlackPostOptions = {},
): Promise<void> {
  const target = checkSlackHooksUrl(url, origin);
  const host = new URL(target).host;
  const outcome = await fetchWithRetries(
    target,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      redirect: 'error',
    },
    { ...options, maxBackoffMs: options.maxBackoffMs ?? 5_000 },
    (tried) => options.onTry?.(tried.kind === 'answer' && tried.ok),
  );
  if (outcome.kind === 'network') {
    throw new Error(`Slack could not be reached at ${host} (${outcome.cause})`);
  }
  if (!outcome.ok) {
    throw new Error(
      `Slack answered ${outcome.status}${errorCode(outcome.text)} to a post to ${host}`,
    );
  }
}

/** Slack answers a refused post with a short code in plain text, such as `invalid_payload`. */
function errorCode(text: string): string {
  const code = text.trim();
  return /^[a-z_]{1,60}$/.test(code) ? ` (${code})` : '';
}
