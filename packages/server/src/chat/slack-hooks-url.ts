import { UserError, UserErrorKind } from '@slipway/core';

/**
 * Checks that a URL Slipway is to post to belongs to Slack's hooks origin
 * (`https://hooks.slack.com` unless the server is configured otherwise): a
 * `response_url` from a request, or a channel's incoming webhook. Anything else would let
 * whoever holds the signing secret, or a project admin, aim the server at another host.
 * Answers the URL; throws a {@link UserError} naming the origin otherwise.
 */
export function checkSlackHooksUrl(value: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(UserErrorKind.Usage, `give a Slack URL under ${origin}/, not "${value}"`);
  }
  if (url.origin !== origin || url.username !== '' || url.password !== '') {
    throw new UserError(
      UserErrorKind.Usage,
      `Slipway posts to Slack only under ${origin}/ (the server's slackHooksOrigin), not to ${url.origin}`,
    );
  }
  return url.href;
}
