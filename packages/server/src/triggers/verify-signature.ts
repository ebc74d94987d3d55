import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { verify as verifyGitHub } from '@octokit/webhooks-methods';
import { TriggerSource, type Forge } from '@slipway/core';

/** Request headers as Node gives them (names lower-case). */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Whether a delivery's body was signed with `secret` the way its forge signs:
 *
 * - GitHub: `X-Hub-Signature-256: sha256=HEX`, HMAC-SHA256 of the body;
 * - GitLab: `X-Gitlab-Token`, the secret itself;
 * - Gitea and Forgejo: `X-Gitea-Signature: HEX`, HMAC-SHA256 of the body;
 * - generic: `X-Slipway-Signature: sha256=HEX`, HMAC-SHA256 of the body.
 *
 * Every comparison takes the same time whatever the given value is (the values compared
 * are SHA-256 digests of equal length), and the answer says nothing about the expected one.
 */
export async function verifySignature(
  forge: Forge,
  secret: string,
  body: string,
  headers: Headers,
): Promise<boolean> {
  switch (forge) {
    case TriggerSource.GitHub: {
      const given = header(headers, 'x-hub-signature-256');
      if (given === undefined) return false;
      try {
        return await verifyGitHub(secret, body, given);
      } catch {
        return false;
      }
    }
    case TriggerSource.GitLab: {
      const given = header(headers, 'x-gitlab-token');
      return given !== undefined && sameText(given, secret);
    }
    case TriggerSource.Gitea: {
      const given = header(headers, 'x-gitea-signature') ?? header(headers, 'x-forgejo-signature');
      return given !== undefined && sameText(given.toLowerCase(), hmacHex(secret, body));
    }
    case TriggerSource.Generic: {
      const given = header(headers, 'x-slipway-signature');
      return (
        given !== undefined && sameText(given.toLowerCase(), `sha256=${hmacHex(secret, body)}`)
      );
    }
  }
}

/** HMAC-SHA256 of `body` (UTF-8) under `secret`, as lower-case hex. */
export function hmacHex(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** One value of a header; undefined when absent or given more than once. */
export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function sameText(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
