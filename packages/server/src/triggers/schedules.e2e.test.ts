import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SlipwayClient } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerConfigSchema } from '../config/server-config.js';
import { createServer } from '../create-server.js';
import { until as untilDone } from '../testing/protocol-steps.js';
import {
  commitFiles,
  gitRepository,
  serverFixture,
  type ServerFixture,
} from '../testing/server-fixture.js';
import { startTestAgent } from '../testing/test-agent.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const HOUR = 3_600_000;

/** Reads until `done` holds, for up to a minute (two runs on one agent, on a busy machine). */
function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  return untilDone(read, done, { withinMs: 60_000, everyMs: 50 });
}
const at = (iso: string): number => Date.parse(iso);

const NIGHTLY = `name: nightly
on:
  cron:
    - schedule: 30 2 * * *
      timezone: Europe/Berlin
tasks:
  build:
    steps:
      - run: echo "$SLIPWAY_EVENT"
`;
const CI = `name: ci
on:
  push: true
tasks:
  test:
    steps:
      - run: echo test
`;

/** A server whose loops the test drives, on a clock the test moves. */
async function clockedServer(start: number) {
  const clock = { now: start };
  const server = await serverFixture({}, { now: () => clock.now, startScheduler: false });
  cleanups.push(() => server.close());
  const repo = await gitRepository({
    '.slipway/nightly.yml': NIGHTLY,
    '.slipway/ci.yml': CI,
  });
  cleanups.push(() => repo.remove());
  await server.store.createProject({ name: 'shop', source: repo.dir, defaultBranch: 'main' });
  return { server, clock, repo };
}

async function cronEvents(server: ServerFixture) {
  const project = await server.store.findProject('shop');
  if (project === null) throw new Error('no project');
  const events = await server.store.listTriggerEvents({ projectId: project.id, limit: 50 });
  return events.filter((event) => event.source === 'cron').reverse();
}

describe('cron triggers, end to end', () => {
  it('fires each due tick once, at the head of the default branch, and catches up missed ticks once', async () => {
    const { server, clock, repo } = await clockedServer(at('2026-03-28T20:00:00Z'));

    // First sight of the schedule: nothing from the past fires.
    expect(await server.schedules.runOnce()).toEqual({ leader: true, refreshed: 1, fired: 0 });
    expect(await cronEvents(server)).toEqual([]);

    // 02:30 does not exist in Berlin on 2026-03-29; the tick fires at 03:00 (01:00 UTC).
    clock.now = at('2026-03-29T01:00:10Z');
    expect((await server.schedules.runOnce()).fired).toBe(1);
    expect((await server.schedules.runOnce()).fired).toBe(0);
    await server.triggers.drain();
    const [first] = await cronEvents(server);
    expect(first).toMatchObject({
      kind: 'cron',
      deliveryId: 'cron:nightly:2026-03-29T01:00:00.000Z:Europe/Berlin 30 2 * * *',
      status: 'processed',
    });
    const cronRun = await server.store.getRun(first?.runIds[0] ?? '');
    expect(cronRun).toMatchObject({
      pipeline: 'nightly',
      trigger: { event: 'cron', branch: 'main', commit: repo.commit },
    });

    // Three days without a pass: one tick, the latest, fires; never three.
    clock.now = at('2026-04-01T09:00:00Z');
    expect((await server.schedules.runOnce()).fired).toBe(1);
    clock.now += HOUR;
    expect((await server.schedules.runOnce()).fired).toBe(0);
    await server.triggers.drain();
    const events = await cronEvents(server);
    expect(events.map((event) => event.deliveryId)).toEqual([
      'cron:nightly:2026-03-29T01:00:00.000Z:Europe/Berlin 30 2 * * *',
      'cron:nightly:2026-04-01T00:30:00.000Z:Europe/Berlin 30 2 * * *',
    ]);
    expect(events.every((event) => event.status === 'processed')).toBe(true);
    const runs = await server.store.listRuns({ pipeline: 'nightly', limit: 10 });
    expect(runs).toHaveLength(2);
    const metrics = await server.metrics.text();
    expect(metrics).toMatch(/slipway_cron_ticks_total\{result="fired"\} 2/);
    expect(metrics).toMatch(/slipway_triggers_fired_total\{event="cron"\} 2/);
  });

  it('lets one replica fire a tick: the other finds it fired, before and after the lease moves', async () => {
    const { server, clock } = await clockedServer(at('2026-06-01T00:00:00Z'));
    const otherData = await mkdtemp(join(tmpdir(), 'slipway-replica-'));
    cleanups.push(() => rm(otherData, { recursive: true, force: true }));
    const other = await createServer(ServerConfigSchema.parse({ dataDir: otherData, port: 0 }), {
      store: server.store,
      now: () => clock.now,
      logger: false,
      startScheduler: false,
    });
    cleanups.push(() => other.app.close());

    expect((await server.schedules.runOnce()).leader).toBe(true);
    expect((await other.schedules.runOnce()).leader).toBe(false);
    clock.now = at('2026-06-02T00:31:00Z');
    expect((await server.schedules.runOnce()).fired).toBe(1);
    expect(await other.schedules.runOnce()).toEqual({ leader: false, refreshed: 0, fired: 0 });
    // The first replica stops; once its lease lapses the other leads, and fires nothing twice.
    clock.now += 10 * 60_000;
    expect(await other.schedules.runOnce()).toMatchObject({ leader: true, fired: 0 });
    clock.now = at('2026-06-03T00:30:00Z');
    expect((await other.schedules.runOnce()).fired).toBe(1);
    expect((await cronEvents(server)).map((event) => event.deliveryId)).toEqual([
      'cron:nightly:2026-06-02T00:30:00.000Z:Europe/Berlin 30 2 * * *',
      'cron:nightly:2026-06-03T00:30:00.000Z:Europe/Berlin 30 2 * * *',
    ]);
  });

  it('reads a changed schedule at the next refresh: the old one stops, the new one starts from then', async () => {
    const { server, clock, repo } = await clockedServer(at('2026-06-01T00:00:00Z'));
    await server.schedules.runOnce();
    await commitFiles(
      repo.dir,
      { '.slipway/nightly.yml': NIGHTLY.replace('30 2', '0 12') },
      'noon',
    );
    clock.now = at('2026-06-01T06:00:00Z');
    expect(await server.schedules.runOnce()).toMatchObject({ refreshed: 1, fired: 0 });
    clock.now = at('2026-06-02T11:00:00Z');
    // 02:30 Berlin passed, but that schedule is gone; noon Berlin (10:00 UTC) is due.
    expect((await server.schedules.runOnce()).fired).toBe(1);
    expect((await cronEvents(server)).map((event) => event.deliveryId)).toEqual([
      'cron:nightly:2026-06-02T10:00:00.000Z:Europe/Berlin 0 12 * * *',
    ]);

    // Back to 02:30 days later: it starts from then, with no catch-up of while it was gone.
    await commitFiles(repo.dir, { '.slipway/nightly.yml': NIGHTLY }, 'night again');
    clock.now = at('2026-06-05T06:00:00Z');
    expect(await server.schedules.runOnce()).toMatchObject({ refreshed: 1, fired: 0 });
    clock.now = at('2026-06-06T00:31:00Z');
    expect((await server.schedules.runOnce()).fired).toBe(1);
    expect((await cronEvents(server)).map((event) => event.deliveryId)).toEqual([
      'cron:nightly:2026-06-02T10:00:00.000Z:Europe/Berlin 0 12 * * *',
      'cron:nightly:2026-06-06T00:30:00.000Z:Europe/Berlin 30 2 * * *',
    ]);
  });
});

const BASE_IMAGES = `name: base-images
tasks:
  build:
    steps:
      - run: echo built
`;
const DEPLOY = `name: deploy
on:
  pipeline:
    project: platform
    name: base-images
tasks:
  roll:
    results: [event]
    steps:
      - run: printf '%s' "$SLIPWAY_EVENT" > "$SLIPWAY_RESULTS/event"
`;
const SELF = `name: again
on:
  pipeline:
    name: again
tasks:
  once:
    steps:
      - run: echo once
`;
const ON_FAILURE = `name: alert
on:
  pipeline:
    project: platform
    name: base-images
    status: failed
tasks:
  page:
    steps:
      - run: echo paging
`;

describe('pipeline-completion triggers, end to end', () => {
  it(
    "a run of project A's pipeline that succeeds starts project B's pipeline",
    { timeout: 120_000 },
    async () => {
      const server = await serverFixture({ cronIntervalMs: 60_000 });
      cleanups.push(() => server.close());
      const platform = await gitRepository({ '.slipway.yml': BASE_IMAGES });
      const web = await gitRepository({
        '.slipway/deploy.yml': DEPLOY,
        '.slipway/alert.yml': ON_FAILURE,
        '.slipway/again.yml': SELF,
      });
      cleanups.push(() => platform.remove());
      cleanups.push(() => web.remove());
      const base = await server.listen();
      const client = new SlipwayClient({ baseUrl: base, token: server.token });
      await client.createProject({ name: 'platform', source: platform.dir });
      await client.createProject({ name: 'web', source: web.dir });
      expect(await server.schedules.refresh()).toBe(2);

      cleanups.push(startTestAgent(server, base));

      const upstream = await client.createRun('platform', {});
      const downstream = await until(
        async () => (await client.listRuns({ project: 'web' })).runs,
        (runs) => runs.some((r) => r.status === 'succeeded'),
      );
      expect(downstream).toHaveLength(1);
      expect(downstream[0]).toMatchObject({ pipeline: 'deploy', status: 'succeeded' });
      expect((await server.store.getRun(upstream.id))?.status).toBe('succeeded');
      const [task] = await server.store.listTasks(downstream[0]?.id ?? '');
      expect(task?.results).toEqual({ event: 'pipeline' });
      const events = await until(
        async () => (await client.listTriggerEvents('web')).events,
        (list) => list.length === 1 && list[0]?.status === 'processed',
      );
      expect(events[0]).toMatchObject({
        source: 'pipeline',
        deliveryId: `run:${upstream.id}`,
        runIds: [downstream[0]?.id],
      });
      expect(events[0]?.outcome).toMatch(/alert: no `on.pipeline` entry takes a succeeded run/);
      expect(await client.listTriggerEvents('platform')).toMatchObject({ events: [] });
      // A pipeline whose `on.pipeline` names itself is not started by its own run.
      const self = await client.createRun('web', { pipeline: 'again' });
      const selfEvents = await until(
        async () => (await client.listTriggerEvents('web')).events,
        (list) => list.length === 2 && list[0]?.status !== 'pending',
      );
      expect(selfEvents[0]).toMatchObject({ deliveryId: `run:${self.id}`, status: 'ignored' });
      expect(selfEvents[0]?.outcome).toContain(
        "again: a pipeline's own runs do not start it again",
      );
      expect((await client.listRuns({ project: 'web' })).runs).toHaveLength(2);
    },
  );
});
