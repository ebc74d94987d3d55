import type { Run } from '@slipway/api';
import { RunStatus } from '@slipway/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitRepository, serverFixture, type ServerFixture } from '../testing/server-fixture.js';

function pipeline(concurrency: string): string {
  return `name: deploy
concurrency: ${concurrency}
tasks:
  ship:
    steps:
      - name: ship
        run: echo shipping
`;
}

describe('concurrency groups', () => {
  let server: ServerFixture;
  let repo: Awaited<ReturnType<typeof gitRepository>> | undefined;
  let agentId: string;

  beforeEach(async () => {
    server = await serverFixture({}, { startScheduler: false });
  });

  afterEach(async () => {
    await server.close();
    await repo?.remove();
  });

  const call = async <T>(method: 'GET' | 'POST', url: string, payload?: object): Promise<T> => {
    const response = await server.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${server.token}` },
      ...(payload ? { payload: payload as Record<string, unknown> } : {}),
    });
    if (response.statusCode >= 300) throw new Error(`${url}: ${response.body}`);
    return response.body ? response.json<T>() : (undefined as T);
  };

  const setUp = async (concurrency: string) => {
    repo = await gitRepository({ '.slipway.yml': pipeline(concurrency) });
    await call('POST', '/api/projects', { name: 'shop', source: repo.dir });
    agentId = (
      await call<{ agentId: string }>('POST', '/api/agent/register', {
        name: 'a',
        labels: [],
        capacity: 8,
      })
    ).agentId;
  };
  const trigger = () => call<Run>('POST', '/api/projects/shop/runs', {});
  const statuses = async (runs: readonly Run[]) =>
    Promise.all(
      runs.map(async (r) => (await call<{ run: Run }>('GET', `/api/runs/${r.id}`)).run.status),
    );
  const claim = async () =>
    (
      await call<{ attempts: { attemptId: string; runId: string }[] }>('POST', '/api/agent/claim', {
        agentId,
        labels: [],
        free: 8,
        waitMs: 0,
      })
    ).attempts;
  const finish = (attemptId: string, outcome: 'succeeded' | 'cancelled') =>
    call('POST', '/api/agent/finish', { agentId, attemptId, outcome, results: {}, error: null });

  it('runs the runs of a group one at a time, in the order they were made', async () => {
    await setUp('{ group: prod, limit: 1 }');
    const runs = [await trigger(), await trigger(), await trigger()];
    expect(runs.map((r) => r.status)).toEqual(['running', 'waiting', 'waiting']);

    for (let i = 0; i < 3; i++) {
      const claimed = await claim();
      expect(claimed.map((a) => a.runId)).toEqual([runs[i]?.id]);
      await finish(claimed[0]?.attemptId ?? '', 'succeeded');
      await server.scheduler.runOnce();
    }
    expect(await statuses(runs)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('runs up to the limit at once', async () => {
    await setUp('{ group: prod, limit: 2 }');
    const runs = [await trigger(), await trigger(), await trigger()];
    expect(runs.map((r) => r.status)).toEqual(['running', 'running', 'waiting']);
    expect((await claim()).map((a) => a.runId).sort()).toEqual([runs[0]?.id, runs[1]?.id].sort());
  });

  it('cancels the older runs of a cancel-in-progress group, then starts the newest', async () => {
    await setUp('{ group: prod, cancel-in-progress: true }');
    const first = await trigger();
    const [attempt] = await claim();
    const second = await trigger();
    const third = await trigger();
    expect(await statuses([first, second, third])).toEqual(['running', 'cancelled', 'waiting']);

    const beat = await call<{ answers: Record<string, unknown> }>('POST', '/api/agent/heartbeat', {
      agentId,
      attemptIds: [attempt?.attemptId],
    });
    expect(beat.answers[attempt?.attemptId ?? '']).toEqual({ status: 'stop', mode: 'cancel' });
    await finish(attempt?.attemptId ?? '', 'cancelled');
    await server.scheduler.runOnce();
    expect(await statuses([first, second, third])).toEqual(['cancelled', 'cancelled', 'running']);
    expect((await claim()).map((a) => a.runId)).toEqual([third.id]);
  });

  it('lets a waiting run be cancelled without touching the others', async () => {
    await setUp('prod');
    const runs = [await trigger(), await trigger(), await trigger()];
    await call('POST', `/api/runs/${runs[1]?.id ?? ''}/cancel`, {});
    expect(await statuses(runs)).toEqual(['running', 'cancelled', 'waiting']);
    const [attempt] = await claim();
    await finish(attempt?.attemptId ?? '', 'succeeded');
    await server.scheduler.runOnce();
    expect(await statuses(runs)).toEqual(['succeeded', 'cancelled', 'running']);
  });

  it('admits waiting runs in a scheduler pass when the admission after a finish was lost', async () => {
    await setUp('prod');
    const [first, second] = [await trigger(), await trigger()];
    // As if the server died right after the first run finished, before admitting the next.
    await server.store.updateRun(first.id, (current) => ({
      state: current.state,
      status: RunStatus.Failed,
      tasks: [],
      queue: [],
      stop: [],
      applied: [],
      wakeAt: null,
      now: Date.now(),
      result: undefined,
    }));
    expect(await statuses([first, second])).toEqual(['failed', 'waiting']);
    expect(await server.scheduler.runOnce()).toMatchObject({ leader: true, admitted: 1 });
    expect(await statuses([first, second])).toEqual(['failed', 'running']);
  });
});
