import { SlipwayClient, type ClaimedAttempt, type TestReport } from '@slipway/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOne } from '../testing/protocol-steps.js';
import {
  gitRepository,
  serverFixture,
  TWO_TASKS,
  type ServerFixture,
} from '../testing/server-fixture.js';

const REPORT: TestReport = {
  suites: [
    {
      name: 'cart',
      tests: 4,
      failures: 1,
      errors: 1,
      skipped: 1,
      durationMs: 12.5,
      cases: [
        { suite: 'cart', name: 'adds', classname: 'Cart', status: 'passed', durationMs: 2 },
        {
          suite: 'cart',
          name: 'pays',
          classname: 'Cart',
          status: 'failed',
          durationMs: 10,
          message: 'expected 2, got 3',
          details: 'AssertionError: expected 2, got 3\n    at pay (cart.ts:10:3)',
        },
        {
          suite: 'cart',
          name: 'ships',
          classname: 'Cart',
          status: 'skipped',
          durationMs: 0,
          message: 'later',
        },
        {
          suite: 'cart',
          name: 'boots',
          classname: 'Cart',
          status: 'errored',
          durationMs: 0.5,
          message: 'ECONNREFUSED',
        },
      ],
    },
  ],
  totals: { tests: 4, passed: 1, failed: 1, errored: 1, skipped: 1, durationMs: 12.5 },
};

describe('report routes', () => {
  let server: ServerFixture;
  let repo: Awaited<ReturnType<typeof gitRepository>>;
  let client: SlipwayClient;
  let agentId: string;
  let runId: string;
  let build: ClaimedAttempt;

  beforeAll(async () => {
    server = await serverFixture();
    repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
    client = new SlipwayClient({ baseUrl: await server.listen(), token: server.token });
    await client.createProject({ name: 'shop', source: repo.dir });
    runId = (await client.createRun('shop')).id;
    ({ agentId } = await client.registerAgent({ name: 'test', labels: [], capacity: 2 }));
    build = await claimOne(client, agentId);
  });

  afterAll(async () => {
    await server.close();
    await repo.remove();
  });

  it('stores an uploaded report and summarises it on the run, failed cases first', async () => {
    const empty = await client.listTests(runId);
    expect(empty).toEqual({
      totals: { tests: 0, passed: 0, failed: 0, errored: 0, skipped: 0, durationMs: 0 },
      tasks: [],
      cases: [],
      nextOffset: null,
    });

    expect(
      await client.sendReport({ agentId, attemptId: build.attemptId, report: REPORT }),
    ).toEqual({ accepted: true });
    const tests = await client.listTests(runId);
    expect(tests.totals).toEqual(REPORT.totals);
    expect(tests.tasks).toEqual([
      {
        taskId: 'build',
        attemptId: build.attemptId,
        totals: REPORT.totals,
        suites: [{ name: 'cart', tests: 4, failures: 1, errors: 1, skipped: 1, durationMs: 12.5 }],
      },
    ]);
    expect(tests.cases.map((c) => `${c.taskId}:${c.name}:${c.status}`)).toEqual([
      'build:pays:failed',
      'build:boots:errored',
      'build:ships:skipped',
      'build:adds:passed',
    ]);
    expect(tests.cases[0]).toMatchObject({
      attemptId: build.attemptId,
      message: 'expected 2, got 3',
      details: expect.stringContaining('at pay (cart.ts:10:3)') as string,
    });
    expect(tests.nextOffset).toBeNull();
  });

  it('pages through cases and filters them by status and task', async () => {
    const first = await client.listTests(runId, { limit: 3 });
    expect(first.cases.map((c) => c.name)).toEqual(['pays', 'boots', 'ships']);
    expect(first.nextOffset).toBe(3);
    const second = await client.listTests(runId, { limit: 3, offset: 3 });
    expect(second.cases.map((c) => c.name)).toEqual(['adds']);
    expect(second.nextOffset).toBeNull();

    const failed = await client.listTests(runId, { status: 'failed' });
    expect(failed.cases.map((c) => c.name)).toEqual(['pays']);
    expect(failed.totals.tests).toBe(4);

    const test = await client.listTests(runId, { task: 'test' });
    expect(test.tasks).toEqual([]);
    expect(test.cases).toEqual([]);
    await expect(client.listTests(runId, { task: 'nope' })).rejects.toMatchObject({ status: 404 });
    await expect(client.listTests('no-run')).rejects.toMatchObject({ status: 404 });
  });

  it('answers not accepted for attempts the agent does not hold, storing nothing', async () => {
    const other = await client.sendReport({
      agentId: 'agt_other',
      attemptId: build.attemptId,
      report: { suites: [], totals: { ...REPORT.totals, tests: 99 } },
    });
    expect(other).toEqual({ accepted: false });
    expect((await client.listTests(runId)).totals.tests).toBe(4);
  });

  it('refuses malformed and oversized reports', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    const malformed = await server.app.inject({
      method: 'POST',
      url: '/api/agent/reports',
      headers: auth,
      payload: { agentId, attemptId: build.attemptId, report: { suites: 'nope' } },
    });
    expect(malformed.statusCode).toBe(400);

    const details = 'x'.repeat(60_000);
    const cases = Array.from({ length: 300 }, (_, i) => ({
      suite: 's',
      name: `t${i}`,
      classname: 'c',
      status: 'failed',
      durationMs: 0,
      details,
    }));
    const oversized = await server.app.inject({
      method: 'POST',
      url: '/api/agent/reports',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({
        agentId,
        attemptId: build.attemptId,
        report: {
          suites: [
            { name: 's', tests: 300, failures: 300, errors: 0, skipped: 0, durationMs: 0, cases },
          ],
          totals: REPORT.totals,
        },
      }),
    });
    expect(oversized.statusCode).toBe(413);
    expect((await client.listTests(runId)).totals.tests).toBe(4);
  });
});
