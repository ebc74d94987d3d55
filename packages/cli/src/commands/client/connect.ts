import { ConfigError, UserError, UserErrorKind } from '@slipway/core';
import { isApiError, SlipwayClient, type FieldError } from '@slipway/api';

/** Where the client commands find the server: flags, then SLIPWAY_SERVER / SLIPWAY_TOKEN. */
export interface ServerOptions {
  readonly server?: string | undefined;
  readonly token?: string | undefined;
}

export const DEFAULT_SERVER = 'http://127.0.0.1:7070';

/** A client for the configured server whose failures are errors the user can act on. */
export function connect(options: ServerOptions): {
  client: SlipwayClient;
  call: <T>(request: () => Promise<T>) => Promise<T>;
} {
  const baseUrl = options.server ?? process.env.SLIPWAY_SERVER ?? DEFAULT_SERVER;
  const token = options.token ?? process.env.SLIPWAY_TOKEN;
  checkServerUrl(baseUrl);
  if (token !== undefined && /[\s]/.test(token)) {
    throw new UserError(
      UserErrorKind.Usage,
      'the token holds a space or a line break: pass it as the server printed it (--token or SLIPWAY_TOKEN)',
    );
  }
  const client = new SlipwayClient({ baseUrl, ...(token ? { token } : {}) });
  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw asUserError(error, baseUrl, token !== undefined && token !== '');
    }
  };
  return { client, call };
}

function checkServerUrl(baseUrl: string): void {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new UserError(
      UserErrorKind.Usage,
      `"${baseUrl}" is not a server URL: give one like ${DEFAULT_SERVER} (--server or SLIPWAY_SERVER)`,
    );
  }
}

/**
 * What the server found wrong with names the command put in the request's path (a user, a
 * group, a project): those came from the command line, so the request's wording would
 * not tell the user which argument to change. Undefined when other fields are wrong too.
 */
function argumentProblems(fields: readonly FieldError[]): string | undefined {
  if (fields.length === 0 || fields.some((field) => field.in !== 'path')) return undefined;
  return fields
    .map((field) => `the ${spacedWords(field.path)} given is not valid: ${field.message}`)
    .join('; ');
}

/** `slackUserId` as "slack user id". */
function spacedWords(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function asUserError(error: unknown, baseUrl: string, hasToken: boolean): unknown {
  if (isApiError(error)) {
    if (error.diagnostics.length) return new ConfigError(error.diagnostics);
    // The message often quotes a field already; list only the fields it leaves out.
    const fields = error.fields
      .filter((f) => !error.message.includes(f.message))
      .map((f) => `\n  ${f.path}: ${f.message}`)
      .join('');
    switch (error.status) {
      case 401:
        return new UserError(
          UserErrorKind.Usage,
          hasToken
            ? `${error.message}: pass --token or set SLIPWAY_TOKEN to a token the server accepts`
            : 'no token was given, and the server needs one: pass --token or set SLIPWAY_TOKEN (`slipway up` prints an admin token on its first start)',
        );
      case 403:
        return new UserError(
          UserErrorKind.Usage,
          `${error.message}: your token's role does not allow this; ask a project admin`,
        );
      case 404:
        return new UserError(UserErrorKind.NotFound, error.message);
      default:
        if (error.status >= 500) {
          return new UserError(UserErrorKind.Environment, `the server failed: ${error.message}`);
        }
        return new UserError(
          UserErrorKind.Usage,
          argumentProblems(error.fields) ?? `${error.message}${fields}`,
        );
    }
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    if (baseUrl.startsWith('https:') && typeof cause === 'string' && /SSL|TLS|EPROTO/.test(cause)) {
      return new UserError(
        UserErrorKind.Environment,
        `no TLS connection could be made to ${baseUrl} (${cause}): if the server speaks plain HTTP, as \`slipway up\` does, use http:// instead`,
      );
    }
    return new UserError(
      UserErrorKind.Environment,
      `no Slipway server answers at ${baseUrl}: start one with \`slipway up\`, or pass --server URL`,
    );
  }
  return error;
}
