import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  gitRepository,
  serverFixture,
  TWO_TASKS,
  type ServerFixture,
} from '../testing/server-fixture.js';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition. */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample: ${line}`);
      const labels: Record<string, string> = {};
      for (const m of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[m[1] ?? ''] = m[2] ?? '';
      }
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

/** The value of the one sample with this name whose labels include `labels`. */
function value(samples: readonly Sample[], name: string, labels: Record<string, string> = {}) {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length !== 1) {
    throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  }
  return found[0]?.value;
}

const T0 = 1_750_000_000_000;

describe('metrics', () => {
  let server: ServerFixture;
  let repo: Awaited<ReturnType<typeof gitRepository>>;
  let clock: number;

  beforeEach(async () => {
    clock = T0;
    server = await serverFixture({ leaseMs: 1000 }, { startScheduler: false, now: () => clock });
    repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
  });

  afterEach(async () => {
    await server.close();
    await repo.remove();
  });

  const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const response = await server.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${server.token}` },
      ...(payload ? { payload: payload as Record<string, unknown> } : {}),
    });
    return { status: response.statusCode, body: response.body ? response.json<unknown>() : null };
  };

  const scrape = async () => {
    const response = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: response.body, samples: parse(response.body) };
  };

  it('reports requests, runs, tasks, the queue, attempts, agents and lost attempts', async () => {
    await call('POST', '/api/projects', { name: 'shop', source: repo.dir });
    const run = (await call('POST', '/api/projects/shop/runs', {})).body as { id: string };
    const agent = await call('POST', '/api/agent/register', { name: 'a', labels: [], capacity: 2 });
    const { agentId } = agent.body as { agentId: string };
    const claim = async () => {
      const claimed = await call('POST', '/api/agent/claim', {
        agentId,
        labels: [],
        free: 2,
        waitMs: 0,
      });
      return (claimed.body as { attempts: { attemptId: string; taskId: string }[] }).attempts;
    };

    let { samples } = await scrape();
    expect(value(samples, 'slipway_queue_depth')).toBe(1);
    expect(value(samples, 'slipway_runs', { status: 'running' })).toBe(1);
    expect(value(samples, 'slipway_runs', { status: 'succeeded' })).toBe(0);

    clock += 2000;
    const [build] = await claim();
    expect(build?.taskId).toBe('build');
    clock += 3000;
    await call('POST', '/api/agent/finish', {
      agentId,
      attemptId: build?.attemptId,
      outcome: 'succeeded',
      results: {},
      error: null,
    });
    await server.scheduler.runOnce();
    const [test] = await claim();
    expect(test?.taskId).toBe('test');

    ({ samples } = await scrape());
    expect(value(samples, 'slipway_agents_connected')).toBe(1);
    expect(value(samples, 'slipway_queue_wait_seconds_count')).toBe(2);
    expect(value(samples, 'slipway_queue_wait_seconds_sum')).toBe(2);
    expect(
      value(samples, 'slipway_task_attempt_duration_seconds_count', { outcome: 'succeeded' }),
    ).toBe(1);
    expect(
      value(samples, 'slipway_task_attempt_duration_seconds_sum', { outcome: 'succeeded' }),
    ).toBe(3);
    expect(value(samples, 'slipway_tasks', { status: 'succeeded' })).toBe(1);
    expect(value(samples, 'slipway_zombie_runs')).toBe(0);

    // The agent goes silent: its lease lapses and the attempt is lost.
    clock += 10_000;
    await server.scheduler.runOnce();
    await server.scheduler.runOnce();

    const scraped = await scrape();
    samples = scraped.samples;
    expect(value(samples, 'slipway_lost_attempts_total')).toBe(1);
    expect(value(samples, 'slipway_task_attempt_duration_seconds_sum', { outcome: 'lost' })).toBe(
      10,
    );
    expect(value(samples, 'slipway_runs', { status: 'failed' })).toBe(1);
    expect(value(samples, 'slipway_runs', { status: 'running' })).toBe(0);
    expect(value(samples, 'slipway_tasks', { status: 'lost' })).toBe(1);
    expect(value(samples, 'slipway_queue_depth')).toBe(0);
    expect(value(samples, 'slipway_agents_connected')).toBe(0);
    expect(value(samples, 'slipway_zombie_runs')).toBe(0);

    const created = {
      route: '/api/projects/:project/runs',
      method: 'POST',
      status: '201',
      success: 'true',
    };
    expect(value(samples, 'slipway_http_requests_total', created)).toBe(1);
    expect(value(samples, 'slipway_http_requests_total', { route: '/api/agent/claim' })).toBe(2);
    expect(scraped.text).not.toContain(run.id);
    expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('labels requests no route matched as unmatched, and failures by status', async () => {
    expect((await call('GET', `/api/runs/${'x'.repeat(20)}/nothing`)).status).toBe(404);
    expect((await call('GET', '/api/runs/no-such-run')).status).toBe(404);
    const { samples, text } = await scrape();
    expect(
      value(samples, 'slipway_http_requests_total', {
        route: 'unmatched',
        status: '404',
        success: 'true',
      }),
    ).toBe(1);
    expect(
      value(samples, 'slipway_http_requests_total', { route: '/api/runs/:id', status: '404' }),
    ).toBe(1);
    expect(text).not.toContain('xxxxxxxxxx');
    expect(text).not.toContain('no-such-run');
  });

  it('answers 503 when the store cannot be read', async () => {
    await server.store.close();
    const response = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(503);
  });

  it('keeps the metrics of each server apart', async () => {
    const other = await serverFixture({}, { startScheduler: false });
    try {
      await call('GET', '/api/projects');
      const mine = parse((await server.app.inject({ method: 'GET', url: '/metrics' })).body);
      const theirs = parse((await other.app.inject({ method: 'GET', url: '/metrics' })).body);
      const listed = { route: '/api/projects', method: 'GET' };
      expect(value(mine, 'slipway_http_requests_total', listed)).toBe(1);
      expect(theirs.some((s) => s.labels.route === '/api/projects')).toBe(false);
    } finally {
      await other.close();
    }
  });
});
