import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ApiError, SlipwayClient, type ClaimedAttempt } from '@slipway/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOne } from '../testing/protocol-steps.js';
import {
  gitRepository,
  serverFixture,
  TWO_TASKS,
  type ServerFixture,
} from '../testing/server-fixture.js';

const MB = 1024 * 1024;

describe('artifact routes', () => {
  let server: ServerFixture;
  let repo: Awaited<ReturnType<typeof gitRepository>>;
  let temp: string;
  let url: string;
  let client: SlipwayClient;
  let agentId: string;
  let runId: string;
  let build: ClaimedAttempt;

  beforeAll(async () => {
    server = await serverFixture({ maxArtifactBytes: 25 * MB });
    repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
    temp = await mkdtemp(join(tmpdir(), 'slipway-artifact-routes-'));
    url = await server.listen();
    client = new SlipwayClient({ baseUrl: url, token: server.token });
    await client.createProject({ name: 'shop', source: repo.dir });
    runId = (await client.createRun('shop')).id;
    ({ agentId } = await client.registerAgent({ name: 'test', labels: [], capacity: 2 }));
    build = await claimOne(client, agentId);
  });

  afterAll(async () => {
    await server.close();
    await repo.remove();
    await rm(temp, { recursive: true, force: true });
  });

  const upload = (path: string, content: string | Buffer, attemptId = build.attemptId) =>
    client.uploadArtifact({ agentId, attemptId, path, size: Buffer.byteLength(content), content });

  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
    return { status: error.status, message: error.message };
  };

  it('streams a 20 MB file in and out whole, under the run and attempt', async () => {
    const data = randomBytes(20 * MB);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const file = join(temp, 'big.bin');
    await writeFile(file, data);

    const stored = await client.uploadArtifact({
      agentId,
      attemptId: build.attemptId,
      path: 'dist/big files/app.bin',
      size: data.length,
      content: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
    });
    expect(stored).toEqual({ path: 'dist/big files/app.bin', size: data.length, sha256 });
    const onDisk = join(server.dataDir, 'artifacts', runId, build.attemptId, 'dist', 'big files');
    expect((await stat(join(onDisk, 'app.bin'))).size).toBe(data.length);

    expect(await client.listArtifacts(runId)).toEqual([
      {
        taskId: 'build',
        attemptId: build.attemptId,
        path: 'dist/big files/app.bin',
        size: data.length,
        sha256,
        createdAt: expect.any(Number) as number,
      },
    ]);

    const response = await client.downloadArtifact(runId, 'build', 'dist/big files/app.bin');
    expect(response.headers.get('content-length')).toBe(String(data.length));
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="app.bin"; filename*=UTF-8''app.bin`,
    );
    const body = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(body).digest('hex')).toBe(sha256);
  });

  it('replaces a file uploaded again under the same path', async () => {
    await upload('notes.txt', 'first');
    await upload('notes.txt', 'second!');
    const response = await client.downloadArtifact(runId, 'build', 'notes.txt');
    expect(await response.text()).toBe('second!');
  });

  it('refuses paths with .., absolute paths, NUL, backslashes and paths not normalised', async () => {
    const put = (path: string) =>
      server.app.inject({
        method: 'PUT',
        url: `/api/agent/artifacts/${build.attemptId}/${path}?agentId=${agentId}`,
        headers: {
          authorization: `Bearer ${server.token}`,
          'content-type': 'application/octet-stream',
        },
        payload: 'x',
      });
    // Plain `..` segments are resolved in the URL itself: the request reaches no route.
    expect((await put('../../etc/passwd')).statusCode).toBe(404);
    const bad = [
      '..%2F..%2Fetc%2Fpasswd',
      'dist%2F..%2F..%2Fx',
      'a%2F..',
      '%2Fetc%2Fpasswd',
      '/etc/passwd',
      'a%00b',
      'a%5C..%5Cb',
      'a%2F.%2Fb',
      'a//b',
      'x'.repeat(1025),
    ];
    for (const path of bad) {
      const response = await put(path);
      expect(response.statusCode, path).toBe(400);
      expect(response.json<{ error: { message: string } }>().error.message).toMatch(
        /^invalid request path: path: the path /,
      );
    }
    const download = await server.app.inject({
      method: 'GET',
      url: `/api/runs/${runId}/artifacts/build/..%2F..%2F..%2Fslipway.db`,
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(download.statusCode).toBe(400);
    expect((await client.listArtifacts(runId)).map((a) => a.path)).toEqual([
      'dist/big files/app.bin',
      'notes.txt',
    ]);
  });

  it('needs a Content-Length and refuses files over maxArtifactBytes', async () => {
    const send = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          `${url}/api/agent/artifacts/${build.attemptId}/dist/x?agentId=${agentId}`,
          {
            method: 'PUT',
            headers: {
              authorization: `Bearer ${server.token}`,
              'content-type': 'application/octet-stream',
              ...headers,
            },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () => {
              resolve({ status: res.statusCode ?? 0, body });
            });
          },
        );
        req.on('error', reject);
        req.end('abc');
      });
    const chunked = await send({ 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(400);
    expect(chunked.body).toContain('needs a Content-Length');
    const large = await refusal(upload('dist/huge', Buffer.alloc(25 * MB + 1)));
    expect(large).toEqual({
      status: 413,
      message: `dist/huge is ${25 * MB + 1} bytes; artifacts of at most ${25 * MB} bytes are kept`,
    });
  });

  it('refuses uploads for unknown attempts and attempts the agent does not hold', async () => {
    expect((await refusal(upload('a', 'a', 'no-such-attempt'))).status).toBe(404);
    const other = await refusal(
      client.uploadArtifact({
        agentId: 'agt_other',
        attemptId: build.attemptId,
        path: 'a',
        size: 1,
        content: 'a',
      }),
    );
    expect(other.status).toBe(409);
    await expect(client.downloadArtifact(runId, 'build', 'a')).rejects.toMatchObject({
      status: 404,
    });
  });

  it('answers 404 for unknown runs, tasks and files', async () => {
    await expect(client.downloadArtifact(runId, 'build', 'nothing')).rejects.toMatchObject({
      status: 404,
    });
    await expect(client.downloadArtifact(runId, 'nope', 'x')).rejects.toMatchObject({
      status: 404,
    });
    await expect(client.listArtifacts('no-run')).rejects.toMatchObject({ status: 404 });
    // `test` has not run yet: it has no attempt and so no files.
    await expect(client.downloadArtifact(runId, 'test', 'x')).rejects.toMatchObject({
      status: 404,
    });
  });

  it('refuses files of an attempt that has settled', async () => {
    await client.finish({
      agentId,
      attemptId: build.attemptId,
      outcome: 'succeeded',
      results: {},
      error: null,
    });
    expect((await refusal(upload('late.txt', 'late'))).status).toBe(409);
    expect(
      await readFile(
        join(server.dataDir, 'artifacts', runId, build.attemptId, 'notes.txt'),
        'utf8',
      ),
    ).toBe('second!');
    await expect(
      stat(join(server.dataDir, 'artifacts', runId, build.attemptId, 'late.txt')),
    ).rejects.toThrow();
  });
});
