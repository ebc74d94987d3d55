import { describe, expect, it } from 'vitest';
import { ApiError, isApiError } from './api-error.js';
import { SlipwayClient } from './slipway-client.js';

interface Sent {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

function fakeServer(answer: (sent: Sent) => Response) {
  const sent: Sent[] = [];
  const fetchFn = (input: string, init?: RequestInit) => {
    const request: Sent = {
      url: input,
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? init.body : undefined,
    };
    sent.push(request);
    return Promise.resolve(answer(request));
  };
  return { sent, fetch: fetchFn as unknown as typeof fetch };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('SlipwayClient', () => {
  it('sends the token and a JSON body, and encodes path and query values', async () => {
    const server = fakeServer(() =>
      json(200, { attemptId: null, attempt: 0, chunks: [], next: 4, ignored: true }),
    );
    const client = new SlipwayClient({ baseUrl: 'http://x/', token: 't0k', fetch: server.fetch });
    const logs = await client.readTaskLogs('run 1', 'test[os=linux,node=20]', { after: 4 });
    expect(logs).toEqual({ attemptId: null, attempt: 0, chunks: [], next: 4 });
    expect(server.sent[0]).toMatchObject({
      method: 'GET',
      url: 'http://x/api/runs/run%201/tasks/test%5Bos%3Dlinux%2Cnode%3D20%5D/logs?after=4',
      headers: { authorization: 'Bearer t0k' },
      body: undefined,
    });

    const created = fakeServer(() =>
      json(201, {
        id: 'p1',
        name: 'shop',
        source: '/src/shop',
        defaultBranch: 'main',
        createdAt: 1,
      }),
    );
    const other = new SlipwayClient({ baseUrl: 'http://x', fetch: created.fetch });
    await other.createProject({ name: 'shop', source: '/src/shop' });
    expect(created.sent[0]).toMatchObject({
      method: 'POST',
      url: 'http://x/api/projects',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"shop","source":"/src/shop"}',
    });
    expect(created.sent[0]?.headers.authorization).toBeUndefined();
  });

  it('throws an ApiError carrying the error body', async () => {
    const body = {
      error: {
        code: 'invalid_request',
        message: 'invalid request body: name: bad',
        fields: [{ in: 'body', path: 'name', message: 'bad' }],
      },
    };
    const client = new SlipwayClient({
      baseUrl: 'http://x',
      fetch: fakeServer(() => json(400, body)).fetch,
    });
    const error: unknown = await client
      .createProject({ name: 'x', source: '/x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(isApiError(error, 'invalid_request')).toBe(true);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.body).toEqual(body);
    expect(apiError.fields).toEqual(body.error.fields);
    expect(apiError.message).toBe('invalid request body: name: bad');
  });

  it('describes an error response that is not an error body', async () => {
    const client = new SlipwayClient({
      baseUrl: 'http://x',
      fetch: fakeServer(() => new Response('bad gateway', { status: 502 })).fetch,
    });
    const error = (await client.health().catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.code).toBe('internal');
    expect(error.message).toBe(
      'HTTP 502, answered not as a Slipway server does: is this the address of one? It said: bad gateway',
    );
  });

  it('returns nothing for routes without a body and refuses malformed answers', async () => {
    const empty = new SlipwayClient({
      baseUrl: 'http://x',
      fetch: fakeServer(() => new Response(null, { status: 204 })).fetch,
    });
    await expect(empty.sendLogs({ agentId: 'a', chunks: [] })).resolves.toBeUndefined();

    const wrong = new SlipwayClient({
      baseUrl: 'http://x',
      fetch: fakeServer(() => json(200, { accepted: 'yes' })).fetch,
    });
    await expect(
      wrong.finish({
        agentId: 'a',
        attemptId: 'b',
        outcome: 'succeeded',
        results: {},
        error: null,
      }),
    ).rejects.toThrow(/accepted/);
  });
});
