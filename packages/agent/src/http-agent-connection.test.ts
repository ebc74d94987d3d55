import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeLogBatch, LOG_BATCH_FRAME_TYPE } from '@slipway/api';
import { AgentRequestError } from './agent-connection.js';
import { HttpAgentConnection } from './http-agent-connection.js';

interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

type Handler = (request: Received, response: ServerResponse) => void;

async function serve(
  handler: Handler,
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const bytes = Buffer.concat(parts);
      const request: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: readBody(req.headers['content-type'], bytes),
      };
      received.push(request);
      handler(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

function readBody(type: string | undefined, bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  if (type === 'application/octet-stream') return bytes;
  if (type !== LOG_BATCH_FRAME_TYPE) return JSON.parse(bytes.toString('utf8')) as unknown;
  const decoded = decodeLogBatch(bytes);
  return decoded.ok ? decoded.request : decoded.problem;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('HttpAgentConnection', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('posts each call as JSON with the bearer token and reads the answers', async () => {
    const answers: Record<string, unknown> = {
      '/ci/api/agent/register': { agentId: 'ag-1' },
      '/ci/api/agent/claim': { attempts: [] },
      '/ci/api/agent/heartbeat': { answers: { x: { status: 'stop', mode: 'kill' } } },
      '/ci/api/agent/finish': { accepted: false },
    };
    const { url, received, server } = await serve((req, res) => {
      if (req.url === '/ci/api/agent/logs') res.writeHead(204).end();
      else if (req.url in answers) json(res, 200, answers[req.url]);
      else json(res, 404, { error: { code: 'not_found', message: 'no such route' } });
    });
    servers.push(server);
    const connection = new HttpAgentConnection({ server: `${url}/ci`, token: 't0ken' });

    expect(await connection.register({ name: 'n', labels: ['a'], capacity: 2 })).toEqual({
      agentId: 'ag-1',
    });
    expect(await connection.claim({ agentId: 'ag-1', labels: ['a'], free: 2, waitMs: 10 })).toEqual(
      { attempts: [] },
    );
    expect(await connection.heartbeat({ agentId: 'ag-1', attemptIds: ['x'] })).toEqual({
      answers: { x: { status: 'stop', mode: 'kill' } },
    });
    const chunk = { attemptId: 'x', step: 0, seq: 1, stream: 'stdout' as const, text: 'hi', at: 1 };
    await connection.sendLogs({ agentId: 'ag-1', chunks: [chunk] });
    expect(
      await connection.finish({
        agentId: 'ag-1',
        attemptId: 'x',
        outcome: 'succeeded',
        results: {},
        error: null,
      }),
    ).toEqual({ accepted: false, attempts: [] });
    await connection.finish({
      agentId: 'ag-1',
      attemptId: 'x',
      outcome: 'failed',
      results: {},
      error: 'exit code 1',
      claim: { labels: ['linux'], free: 1 },
    });

    expect(received.map((r) => [r.method, r.url, r.authorization])).toEqual(
      ['register', 'claim', 'heartbeat', 'logs', 'finish', 'finish'].map((call) => [
        'POST',
        `/ci/api/agent/${call}`,
        'Bearer t0ken',
      ]),
    );
    expect(received[3]?.body).toEqual({ agentId: 'ag-1', chunks: [chunk] });
    expect(received[5]?.body).toMatchObject({ claim: { labels: ['linux'], free: 1 } });
  });

  it('marks refused tokens and bad requests as not worth retrying, busy servers as worth it', async () => {
    const statuses = [401, 400, 503, 429];
    const { url, server } = await serve((_req, res) => {
      json(res, statuses.shift() ?? 500, {
        error: { code: 'unauthorized', message: 'said the server' },
      });
    });
    servers.push(server);
    const connection = new HttpAgentConnection({ server: url, token: 'wrong' });
    const call = () =>
      connection.register({ name: 'n', labels: [], capacity: 1 }).catch((e: unknown) => e);

    const refused = await call();
    expect(refused).toBeInstanceOf(AgentRequestError);
    expect(refused).toMatchObject({ retriable: false, status: 401 });
    expect(String(refused)).toMatch(/refused the agent token: said the server/);
    expect(await call()).toMatchObject({ retriable: false, status: 400 });
    expect(await call()).toMatchObject({ retriable: true, status: 503 });
    expect(await call()).toMatchObject({ retriable: true, status: 429 });
  });

  it('reports an unreachable server and a malformed answer as retriable', async () => {
    const { url, server } = await serve((_req, res) => {
      json(res, 200, { nothing: true });
    });
    servers.push(server);
    const malformed = await new HttpAgentConnection({ server: url, token: 't' })
      .finish({ agentId: 'a', attemptId: 'x', outcome: 'failed', results: {}, error: 'e' })
      .catch((e: unknown) => e);
    expect(malformed).toMatchObject({ retriable: true });
    expect(String(malformed)).toMatch(/not what the agent protocol says/);

    const closed = await serve(() => undefined);
    closed.server.close();
    const unreachable = await new HttpAgentConnection({ server: closed.url, token: 't' })
      .register({ name: 'n', labels: [], capacity: 1 })
      .catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ retriable: true });
    expect(String(unreachable)).toMatch(/cannot reach/);
  });

  it('uploads an artifact from its file as a stream of its declared size', async () => {
    const { url, received, server } = await serve((request, res) => {
      const size = (request.body as Buffer).byteLength;
      json(res, 201, { path: 'dist/app v1.tgz', size, sha256: 'f'.repeat(64) });
    });
    servers.push(server);
    const folder = await mkdtemp(join(tmpdir(), 'slipway-upload-'));
    try {
      const content = Buffer.alloc(300_000, 'artifact ');
      const file = join(folder, 'dist.tgz');
      await writeFile(file, content);
      await new HttpAgentConnection({ server: url, token: 't' }).uploadArtifact({
        agentId: 'a',
        attemptId: 'x',
        path: 'dist/app v1.tgz',
        size: content.byteLength,
        file,
      });
      expect(received).toHaveLength(1);
      expect(received[0]?.method).toBe('PUT');
      expect(received[0]?.url).toMatch(/dist\/app%20v1\.tgz/);
      expect(Buffer.compare(received[0]?.body as Buffer, content)).toBe(0);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('abandons a long-poll claim when asked to', async () => {
    const { url, server } = await serve(() => undefined);
    servers.push(server);
    const connection = new HttpAgentConnection({ server: url, token: 't' });
    const stop = new AbortController();
    const claim = connection.claim(
      { agentId: 'a', labels: [], free: 1, waitMs: 30_000 },
      stop.signal,
    );
    setTimeout(() => {
      stop.abort();
    }, 50);
    await expect(claim).rejects.toThrow(/abandoned/);
  });

  it('refuses a server address that is not an http URL', () => {
    expect(() => new HttpAgentConnection({ server: 'ftp://example.com', token: 't' })).toThrow(
      /http:\/\/ or https:\/\//,
    );
  });
});
