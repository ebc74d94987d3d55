import { describe, expect, it } from 'vitest';
import { ApiError, ErrorCode } from '@slipway/api';
import { connect } from './connect.js';

const { call } = connect({ server: 'http://127.0.0.1:1', token: 't' });

async function messageOf(error: ApiError): Promise<string> {
  const thrown: unknown = await call(() => Promise.reject(error)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(thrown instanceof Error)) throw new Error(`expected an error, got ${String(thrown)}`);
  return thrown.message;
}

describe('errors of a server that refused a request', () => {
  it('say each field problem once', async () => {
    const message = await messageOf(
      new ApiError(400, {
        error: {
          code: ErrorCode.InvalidRequest,
          message: 'invalid request body: source: use a Git URL or an absolute path',
          fields: [{ in: 'body', path: 'source', message: 'use a Git URL or an absolute path' }],
        },
      }),
    );
    expect(message).toBe('invalid request body: source: use a Git URL or an absolute path');
  });

  it('list the fields the message leaves out', async () => {
    const message = await messageOf(
      new ApiError(400, {
        error: {
          code: ErrorCode.InvalidRequest,
          message: 'invalid request body: name: too long (and 1 more)',
          fields: [
            { in: 'body', path: 'name', message: 'too long' },
            { in: 'body', path: 'source', message: 'use a Git URL' },
          ],
        },
      }),
    );
    expect(message).toBe(
      'invalid request body: name: too long (and 1 more)\n  source: use a Git URL',
    );
  });
});

describe('names given on the command line that the server refuses', () => {
  it('say which argument to change, in the words of the command line', async () => {
    const message = await messageOf(
      new ApiError(400, {
        error: {
          code: ErrorCode.InvalidRequest,
          message: 'invalid request path: user: use 1 to 128 letters',
          fields: [
            { in: 'path', path: 'user', message: 'use 1 to 128 letters' },
            { in: 'path', path: 'slackUserId', message: 'use a Slack user id' },
          ],
        },
      }),
    );
    expect(message).toBe(
      'the user given is not valid: use 1 to 128 letters; the slack user id given is not valid: use a Slack user id',
    );
  });
});

describe('a server that wants a token', () => {
  const refused = new ApiError(401, {
    error: { code: ErrorCode.Unauthorized, message: 'this route needs a token' },
  });

  it('is told no token was given, and where one comes from', async () => {
    const saved = process.env.SLIPWAY_TOKEN;
    delete process.env.SLIPWAY_TOKEN;
    try {
      const { call: untokened } = connect({ server: 'http://127.0.0.1:1' });
      const thrown: unknown = await untokened(() => Promise.reject(refused)).catch(
        (e: unknown) => e,
      );
      expect(String(thrown)).toContain(
        'no token was given, and the server needs one: pass --token or set SLIPWAY_TOKEN (`slipway up` prints an admin token on its first start)',
      );
    } finally {
      if (saved !== undefined) process.env.SLIPWAY_TOKEN = saved;
    }
  });

  it('is told the token given was refused', async () => {
    expect(await messageOf(refused)).toBe(
      'this route needs a token: pass --token or set SLIPWAY_TOKEN to a token the server accepts',
    );
  });
});

describe('an https URL of a server that speaks plain HTTP', () => {
  it('suggests http://', async () => {
    const tlsFailure = Object.assign(new TypeError('fetch failed'), {
      cause: { code: 'ERR_SSL_WRONG_VERSION_NUMBER' },
    });
    const { call: overTls } = connect({ server: 'https://127.0.0.1:1', token: 't' });
    const thrown: unknown = await overTls(() => Promise.reject(tlsFailure)).catch(
      (e: unknown) => e,
    );
    expect(String(thrown)).toContain(
      'no TLS connection could be made to https://127.0.0.1:1 (ERR_SSL_WRONG_VERSION_NUMBER): if the server speaks plain HTTP, as `slipway up` does, use http:// instead',
    );
  });
});
