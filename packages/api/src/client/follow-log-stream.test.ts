import { describe, expect, it } from 'vitest';
import type { LogChunk } from '../schemas/logs.js';
import { openApiDocument } from '../openapi/openapi-document.js';
import { ApiError } from './api-error.js';
import { SlipwayClient } from './slipway-client.js';

const encoder = new TextEncoder();

const chunk = (seq: number, text: string): LogChunk => ({
  attemptId: 'att-2',
  step: 0,
  seq,
  stream: 'stdout',
  text,
  at: 1000 + seq,
});

const attemptEvent = 'event: attempt\ndata: {"attemptId":"att-2","attempt":2}\n\n';
const logEvent = (c: LogChunk) => `id: ${c.seq}\nevent: log\ndata: ${JSON.stringify(c)}\n\n`;
const endEvent = (last: number) =>
  `event: end\ndata: ${JSON.stringify({ attemptId: 'att-2', attempt: 2, last })}\n\n`;

/** A response whose body sends `text` and then ends, or breaks off when `broken`. */
function stream(text: string, broken = false): Response {
  let sent = false;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(encoder.encode(text));
        } else if (broken) {
          controller.error(new TypeError('connection reset'));
        } else {
          controller.close();
        }
      },
    }),
    { status: 200, headers: { 'content-type': 'text/event-stream' } },
  );
}

function fakeServer(answers: (() => Response)[]) {
  const urls: string[] = [];
  const headers: Record<string, string>[] = [];
  const fetchFn = (input: string, init?: RequestInit) => {
    urls.push(input);
    headers.push({ ...(init?.headers as Record<string, string>) });
    const answer = answers.shift();
    if (!answer) return Promise.reject(new TypeError('no more answers'));
    return Promise.resolve(answer());
  };
  const client = new SlipwayClient({
    baseUrl: 'http://x',
    token: 't0k',
    fetch: fetchFn as unknown as typeof fetch,
  });
  return { client, urls, headers };
}

async function collect(iterator: AsyncGenerator<LogChunk, unknown>) {
  const chunks: LogChunk[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { chunks, end: next.value };
    chunks.push(next.value);
  }
}

describe('SlipwayClient.followTaskLogs', () => {
  it('yields chunks until the end event, which it returns', async () => {
    const { client, urls, headers } = fakeServer([
      () =>
        stream(
          `${attemptEvent}${logEvent(chunk(0, 'a\n'))}: ping\n\n${logEvent(chunk(1, 'b\n'))}${endEvent(1)}`,
        ),
    ]);
    const { chunks, end } = await collect(client.followTaskLogs('run 1', 'test[node=20]'));
    expect(chunks.map((c) => c.text)).toEqual(['a\n', 'b\n']);
    expect(end).toEqual({ attemptId: 'att-2', attempt: 2, last: 1 });
    expect(urls).toEqual([
      'http://x/api/runs/run%201/tasks/test%5Bnode%3D20%5D/logs/stream?after=-1',
    ]);
    expect(headers[0]).toMatchObject({ accept: 'text/event-stream', authorization: 'Bearer t0k' });
  });

  it('reconnects after a dropped connection from the last seq, pinned to the attempt', async () => {
    const { client, urls } = fakeServer([
      () => stream(`${attemptEvent}${logEvent(chunk(0, 'a\n'))}${logEvent(chunk(1, 'b\n'))}`, true),
      () => new Response('{}', { status: 503 }),
      () => stream(`${attemptEvent}${logEvent(chunk(1, 'b\n'))}${logEvent(chunk(2, 'c\n'))}`),
      () => stream(`${attemptEvent}${endEvent(2)}`),
    ]);
    const { chunks, end } = await collect(
      client.followTaskLogs('r', 't', { retryDelayMs: 1, after: -1 }),
    );
    expect(chunks.map((c) => c.seq)).toEqual([0, 1, 2]);
    expect(end).toMatchObject({ last: 2 });
    expect(urls.map((u) => new URL(u).search)).toEqual([
      '?after=-1',
      '?after=1&attempt=2',
      '?after=1&attempt=2',
      '?after=2&attempt=2',
    ]);
  });

  it('rejects at once on a 4xx answer', async () => {
    const { client, urls } = fakeServer([
      () =>
        new Response(JSON.stringify({ error: { code: 'not_found', message: 'no run "r"' } }), {
          status: 404,
        }),
    ]);
    const error: unknown = await collect(client.followTaskLogs('r', 't')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect(urls).toHaveLength(1);
  });

  it('gives up after maxRetries failed connections in a row', async () => {
    const { client, urls } = fakeServer([]);
    await expect(
      collect(client.followTaskLogs('r', 't', { retryDelayMs: 1, maxRetries: 2 })),
    ).rejects.toThrow('no more answers');
    expect(urls).toHaveLength(3);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const { client } = fakeServer([() => stream(attemptEvent)]);
    const iterator = client.followTaskLogs('r', 't', {
      retryDelayMs: 60_000,
      signal: controller.signal,
    });
    const next = iterator.next();
    setTimeout(() => {
      controller.abort(new Error('stopped'));
    }, 10);
    await expect(next).rejects.toThrow('stopped');
  });
});

describe('the log stream in the OpenAPI document', () => {
  it('is described as text/event-stream of log chunks', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    expect(paths['/api/runs/{id}/tasks/{task}/logs/stream']?.get).toMatchObject({
      operationId: 'followTaskLogs',
      responses: {
        '200': {
          content: { 'text/event-stream': { schema: { $ref: '#/components/schemas/LogChunk' } } },
        },
      },
    });
  });
});
