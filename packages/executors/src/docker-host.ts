import { UserError, UserErrorKind } from '@slipway/core';

/** Where the container engine's Docker API listens. */
export type DockerHost =
  | { readonly kind: 'unix'; readonly socketPath: string }
  | { readonly kind: 'tcp'; readonly hostname: string; readonly port: number };

/** The engine address used when `DOCKER_HOST` is not set. */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

const DEFAULT_TCP_PORT = 2375;

/**
 * Reads `DOCKER_HOST` (`unix:///path/to/socket` or `tcp://host:port`) from `env`, falling
 * back to {@link DEFAULT_DOCKER_HOST}. Throws a {@link UserError} for any other form.
 */
export function resolveDockerHost(env: Readonly<Record<string, string | undefined>>): DockerHost {
  const value = env.DOCKER_HOST?.trim();
  return parseDockerHost(value === undefined || value === '' ? DEFAULT_DOCKER_HOST : value);
}

/** Parses a `unix://` or `tcp://` engine address. */
export function parseDockerHost(value: string): DockerHost {
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length);
    if (socketPath.startsWith('/')) return { kind: 'unix', socketPath };
  } else if (value.startsWith('tcp://')) {
    const match = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+)(?::(\d{1,5}))?\/?$/.exec(value);
    const port = match?.[2] === undefined ? DEFAULT_TCP_PORT : Number(match[2]);
    if (match?.[1] !== undefined && port > 0 && port < 65536) {
      return { kind: 'tcp', hostname: match[1].replace(/^\[|\]$/g, ''), port };
    }
  }
  throw new UserError(
    UserErrorKind.Environment,
    `DOCKER_HOST=${value} is not a container engine address; use unix:///path/to/socket or tcp://host:port`,
  );
}

/** The address in the form `DOCKER_HOST` takes, for messages. */
export function formatDockerHost(host: DockerHost): string {
  switch (host.kind) {
    case 'unix':
      return `unix://${host.socketPath}`;
    case 'tcp':
      return host.hostname.includes(':')
        ? `tcp://[${host.hostname}]:${host.port}`
        : `tcp://${host.hostname}:${host.port}`;
  }
}
