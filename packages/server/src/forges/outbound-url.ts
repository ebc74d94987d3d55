import { BlockList, isIP } from 'node:net';
import { UserError, UserErrorKind } from '@slipway/core';

const PRIVATE = new BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(address, prefix, 'ipv6');
}

/** True for `localhost` and loopback, link-local, private and unspecified IP literals. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
  const ip = mapped ?? host;
  switch (isIP(ip)) {
    case 4:
      return PRIVATE.check(ip, 'ipv4');
    case 6:
      return PRIVATE.check(ip, 'ipv6');
    default:
      return false;
  }
}

/**
 * Checks a forge API URL given by a user: http or https, no credentials in it, and not a
 * loopback, link-local or private address unless the server allows them. Answers the URL
 * without a trailing slash.
 */
export function checkForgeApiUrl(value: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(
      UserErrorKind.Usage,
      `"${value}" is not a URL: give the forge API URL, such as https://api.github.com`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(
      UserErrorKind.Usage,
      `the forge API URL must be http or https, not ${url.protocol}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new UserError(
      UserErrorKind.Usage,
      'the forge API URL must not hold credentials: give the token on standard input',
    );
  }
  if (!allowPrivate && isPrivateHost(url.hostname)) {
    throw new UserError(
      UserErrorKind.Usage,
      `the forge API URL ${url.host} is a loopback, link-local or private address: start the server with --forge-allow-private-urls (SLIPWAY_FORGE_ALLOW_PRIVATE_URLS=true) to allow it`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
