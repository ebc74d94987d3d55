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
