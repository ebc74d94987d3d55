import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLogBatch, LOG_BATCH_FRAME_TYPE, LOG_BATCH_MAX_BYTES } from '@slipway/api';
import {
  gitRepository,
  serverFixture,
  TWO_TASKS,
  type ServerFixture,
} from '../testing/server-fixture.js';

describe('HTTP routes', () => {
  let server: ServerFixture;
  let repo: Awaited<ReturnType<typeof gitRepository>>;
  let auth: Record<string, string>;

  beforeAll(async () => {
    server = await serverFixture({}, { startScheduler: false });
    repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
    auth = { authorization: `Bearer ${server.token}` };
  });

  afterAll(async () => {
    await server.close();
    await repo.remove();
  });

  const inject = (
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = auth,
  ) =>
    server.app.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  it('answers health and readiness without a token', async () => {
    expect((await inject('GET', '/healthz', undefined, {})).json()).toEqual({ status: 'ok' });
    const ready = await inject('GET', '/readyz', undefined, {});
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('serves the OpenAPI document without a token', async () => {
    const response = await inject('GET', '/api/openapi.json', undefined, {});
    expect(response.statusCode).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toContain('/api/projects/{project}/runs');
  });

  it('refuses /api routes without a token and with a wrong one (401)', async () => {
    const missing = await inject('GET', '/api/projects', undefined, {});
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.json()).toEqual({
      error: { code: 'unauthorized', message: expect.stringContaining('Bearer') as string },
    });

    const malformed = await inject('GET', '/api/projects', undefined, { authorization: 'Basic x' });
    expect(malformed.statusCode).toBe(401);

    const wrong = await inject('GET', '/api/projects', undefined, {
      authorization: 'Bearer slw_wrong',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json<{ error: { code: string } }>().error.code).toBe('unauthorized');

    const unknown = await inject('GET', '/api/nothing-here', undefined, {});
    expect(unknown.statusCode).toBe(401);
  });

  it('answers unknown routes with 404 and the error body', async () => {
    const response = await inject('GET', '/api/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'not_found', message: 'no route GET /api/nothing-here' },
    });
    expect((await inject('POST', '/elsewhere', undefined, {})).statusCode).toBe(404);
    expect((await inject('GET', '/elsewhere.txt', undefined, {})).statusCode).toBe(404);
  });

  it('names each invalid field of a body', async () => {
    const response = await inject('POST', '/api/projects', { name: 'Bad Name', extra: 1 });
    expect(response.statusCode).toBe(400);
    const { error } = response.json<{
      error: { code: string; fields: { in: string; path: string; message: string }[] };
    }>();
    expect(error.code).toBe('invalid_request');
    expect(error.fields.map((f) => `${f.in}:${f.path}`).sort()).toEqual([
      'body:extra',
      'body:name',
      'body:source',
    ]);
  });

  it('refuses a body that is not JSON', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('invalid_request');
  });

  it('refuses a source git cannot read, naming the field', async () => {
    const response = await inject('POST', '/api/projects', {
      name: 'nowhere',
      source: '/no/such/repository',
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json<{ error: { fields: { path: string; message: string }[] } }>();
    expect(error.fields[0]?.path).toBe('source');
    expect(error.fields[0]?.message).toMatch(
      /cannot read a Git repository at \/no\/such\/repository/,
    );
  });

  it('registers a project, reading its default branch, and refuses a second one of the name', async () => {
    const created = await inject('POST', '/api/projects', { name: 'shop', source: repo.dir });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'shop', source: repo.dir, defaultBranch: 'main' });

    const again = await inject('POST', '/api/projects', { name: 'shop', source: repo.dir });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('conflict');

    const list = await inject('GET', '/api/projects');
    expect(list.json<{ projects: { name: string }[] }>().projects.map((p) => p.name)).toEqual([
      'shop',
    ]);
    const byName = await inject('GET', '/api/projects/shop');
    expect(byName.json<{ id: string }>().id).toBe(created.json<{ id: string }>().id);
    const missing = await inject('GET', '/api/projects/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'not_found', message: 'no project "nope"' } });
  });

  it('refuses a default branch the repository does not have', async () => {
    const response = await inject('POST', '/api/projects', {
      name: 'other',
      source: repo.dir,
      defaultBranch: 'develop',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { fields: { path: string }[] } }>().error.fields[0]?.path).toBe(
      'defaultBranch',
    );
  });

  it('creates a run at the default branch and shows it with its tasks', async () => {
    const created = await inject('POST', '/api/projects/shop/runs', {});
    expect(created.statusCode).toBe(201);
    const run = created.json<{ id: string; status: string; number: number; trigger: object }>();
    expect(run).toMatchObject({
      status: 'running',
      number: 1,
      projectName: 'shop',
      pipeline: 'ci',
      trigger: { event: 'api', branch: 'main', commit: repo.commit, actor: 'admin' },
    });

    const detail = await inject('GET', `/api/runs/${run.id}`);
    expect(detail.statusCode).toBe(200);
    const body = detail.json<{
      plan: { tasks: unknown[] };
      tasks: { taskId: string; status: string; needs: string[] }[];
    }>();
    expect(body.plan.tasks).toHaveLength(2);
    expect(body.tasks.map((t) => [t.taskId, t.status, t.needs])).toEqual([
      ['build', 'running', []],
      ['test', 'pending', ['build']],
    ]);

    const logs = await inject('GET', `/api/runs/${run.id}/tasks/test/logs`);
    expect(logs.json()).toEqual({ attemptId: null, attempt: 0, chunks: [], next: -1 });
    expect((await inject('GET', `/api/runs/${run.id}/tasks/nope/logs`)).statusCode).toBe(404);
    expect((await inject('GET', '/api/runs/no-such-run')).statusCode).toBe(404);
  });

  it('lists runs with filters and refuses bad query values', async () => {
    const list = await inject('GET', '/api/runs?project=shop&status=running&limit=1');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ runs: [{ number: 1 }], nextBefore: 1 });
    const next = await inject('GET', '/api/runs?project=shop&before=1');
    expect(next.json()).toEqual({ runs: [], nextBefore: null });

    const bad = await inject('GET', '/api/runs?status=sleeping&limit=0');
    expect(bad.statusCode).toBe(400);
    const { error } = bad.json<{ error: { fields: { in: string; path: string }[] } }>();
    expect(error.fields.map((f) => `${f.in}:${f.path}`).sort()).toEqual([
      'query:limit',
      'query:status',
    ]);
    expect((await inject('GET', '/api/runs?before=3')).statusCode).toBe(400);
    expect((await inject('GET', '/api/runs?project=nope')).statusCode).toBe(404);
  });

  it('answers a ref that does not exist with 400', async () => {
    const response = await inject('POST', '/api/projects/shop/runs', { ref: 'no-such-branch' });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { message: string } }>().error.message).toMatch(
      /ref "no-such-branch" does not exist/,
    );
  });

  it('answers a broken pipeline with 400 and its diagnostics', async () => {
    const broken = await gitRepository({
      '.slipway.yml': 'tasks:\n  build:\n    needs: [nothing]\n    steps: [make]\n',
    });
    try {
      await inject('POST', '/api/projects', { name: 'broken', source: broken.dir });
      const response = await inject('POST', '/api/projects/broken/runs');
      expect(response.statusCode).toBe(400);
      const { error } = response.json<{
        error: { code: string; diagnostics: { file: string; line: number; key: string }[] };
      }>();
      expect(error.code).toBe('invalid_pipeline');
      expect(error.diagnostics[0]).toMatchObject({ file: '.slipway.yml', line: 3 });
    } finally {
      await broken.remove();
    }
  });

  it('reads the logs of a matrix task by its full id', async () => {
    const matrix = await gitRepository({
      '.slipway.yml':
        'tasks:\n  test:\n    matrix:\n      axes:\n        os: [linux, macos]\n    steps: [make]\n',
    });
    try {
      await inject('POST', '/api/projects', { name: 'matrix', source: matrix.dir });
      const { id } = (await inject('POST', '/api/projects/matrix/runs')).json<{ id: string }>();
      const detail = (await inject('GET', `/api/runs/${id}`)).json<{
        tasks: { taskId: string }[];
      }>();
      expect(detail.tasks.map((t) => t.taskId)).toEqual(['test[os=linux]', 'test[os=macos]']);
      const logs = await inject(
        'GET',
        `/api/runs/${id}/tasks/${encodeURIComponent('test[os=macos]')}/logs`,
      );
      expect(logs.statusCode).toBe(200);
      expect(logs.json<{ attempt: number }>().attempt).toBe(1);
    } finally {
      await matrix.remove();
    }
  });

  it('refuses unknown params with the pipeline diagnostics', async () => {
    const response = await inject('POST', '/api/projects/shop/runs', { params: { nope: 1 } });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('invalid_pipeline');
  });

  it('refuses log batches over 8 MiB with 413', async () => {
    const text = 'x'.repeat(LOG_BATCH_MAX_BYTES);
    const response = await inject('POST', '/api/agent/logs', {
      agentId: 'a',
      chunks: [{ attemptId: 'x', step: 0, seq: 0, stream: 'stdout', text, at: 0 }],
    });
    expect(response.statusCode).toBe(413);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('payload_too_large');
  });

  it('refuses a malformed log batch frame with 400, saying what is wrong', async () => {
    const frame = encodeLogBatch({
      agentId: 'a',
      chunks: [{ attemptId: 'x', step: 0, seq: 0, stream: 'stdout', text: 'hello', at: 0 }],
    });
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/agent/logs',
      headers: { ...auth, 'content-type': LOG_BATCH_FRAME_TYPE },
      payload: Buffer.from(frame.subarray(0, frame.length - 2)),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { message: string } }>().error.message).toBe(
      'invalid log batch: its texts are shorter than its first line says',
    );
  });

  it('cancels a run, and leaves a finished run as it is', async () => {
    const created = await inject('POST', '/api/projects/shop/runs');
    const { id } = created.json<{ id: string }>();
    const cancelled = await inject('POST', `/api/runs/${id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    // The queued attempt no agent claimed settles at once; the loop applies it.
    await server.scheduler.runOnce();
    const detail = (await inject('GET', `/api/runs/${id}`)).json<{
      run: { status: string };
      tasks: { status: string }[];
    }>();
    expect(detail.run.status).toBe('cancelled');
    expect(detail.tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    const again = await inject('POST', `/api/runs/${id}/cancel`, { mode: 'kill' });
    expect(again.json<{ status: string }>().status).toBe('cancelled');
    expect((await inject('POST', `/api/runs/${id}/cancel`, { mode: 'later' })).statusCode).toBe(
      400,
    );
  });
});
