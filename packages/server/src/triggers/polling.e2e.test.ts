import { rm } from 'node:fs/promises';
import { ApiError, SlipwayClient } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  git,
  gitRepository,
  serverFixture,
  type ServerFixture,
} from '../testing/server-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const MINUTE = 60_000;
const CI = `name: ci
on:
  push: true
tasks:
  test:
    steps:
      - run: echo "$SLIPWAY_BRANCH$SLIPWAY_TAG"
`;

async function setUp(threshold = 20) {
  const clock = { now: Date.parse('2026-06-01T00:00:00Z') };
  const server = await serverFixture(
    { pollBreakerThreshold: threshold },
    { now: () => clock.now, startScheduler: false },
  );
  cleanups.push(() => server.close());
  const repo = await gitRepository({ '.slipway.yml': CI });
  cleanups.push(() => repo.remove());
  const base = await server.listen();
  const client = new SlipwayClient({ baseUrl: base, token: server.token });
  await client.createProject({ name: 'shop', source: repo.dir });
  return { server, client, clock, repo, base };
}

async function pollEvents(server: ServerFixture) {
  const project = await server.store.findProject('shop');
  const events = await server.store.listTriggerEvents({ projectId: project?.id ?? '', limit: 100 });
  return events.filter((event) => event.source === 'poll').reverse();
}

describe('SCM polling, end to end', () => {
  it('turns new and moved heads into push runs, takes a baseline first and dedupes replays', async () => {
    const { server, client, clock, repo } = await setUp();
    const settings = await client.putProjectPoll('shop', { intervalSeconds: 300 });
    expect(settings).toMatchObject({ intervalSeconds: 300, breaker: 'closed', heads: null });

    // The first poll takes the heads as they are: nothing starts.
    expect(await server.polls.runOnce()).toEqual({ leader: true, polled: 1, events: 0 });
    expect(await client.getProjectPoll('shop')).toMatchObject({ heads: 1, failures: 0 });
    // Not due again before the interval.
    expect((await server.polls.runOnce()).polled).toBe(0);

    await git(repo.dir, 'commit', '--quiet', '--allow-empty', '--message', 'two');
    const main = await git(repo.dir, 'rev-parse', 'HEAD');
    await git(repo.dir, 'tag', 'v1.0.0');
    clock.now += 5 * MINUTE + 31_000; // past the interval and its largest jitter
    expect(await server.polls.runOnce()).toMatchObject({ polled: 1, events: 2 });
    await server.triggers.drain();
    const events = await pollEvents(server);
    expect(events.map((e) => [e.kind, e.status])).toEqual([
      ['push', 'processed'],
      ['push', 'processed'],
    ]);
    const runs = await Promise.all(
      events.map(async (e) => (await server.store.getRun(e.runIds[0] ?? ''))?.trigger),
    );
    expect(runs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'push', branch: 'main', commit: main, actor: 'poll' }),
        expect.objectContaining({ event: 'push', tag: 'v1.0.0', commit: main }),
      ]),
    );

    // A crash before the heads were stored finds the same moves again: no new events.
    const project = await server.store.findProject('shop');
    const poll = await server.store.findProjectPoll(project?.id ?? '');
    if (poll === null) throw new Error('not polled');
    await server.store.savePollResult({
      ...poll,
      heads: { 'refs/heads/main': repo.commit },
      nextPollAt: clock.now,
    });
    expect(await server.polls.runOnce()).toMatchObject({ polled: 1, events: 0 });
    expect(await pollEvents(server)).toHaveLength(2);

    const metrics = await server.metrics.text();
    expect(metrics).toMatch(/slipway_poll_cycles_total\{result="changed"\} 2/);
    expect(metrics).toMatch(/slipway_poll_cycles_total\{result="baseline"\} 1/);
  });

  it('opens the breaker on a flood, starts nothing, and stays open until an admin resets it', async () => {
    const { server, client, clock, repo, base } = await setUp(3);
    await client.putProjectPoll('shop', { intervalSeconds: 60 });
    await server.polls.runOnce();
    for (const tag of ['a', 'b', 'c', 'd']) await git(repo.dir, 'tag', `flood-${tag}`);
    clock.now += 2 * MINUTE;
    expect(await server.polls.runOnce()).toMatchObject({ polled: 1, events: 0 });
    const open = await client.getProjectPoll('shop');
    expect(open).toMatchObject({ breaker: 'open', breakerOpenedAt: clock.now });
    expect(open.breakerReason).toMatch(/found 4 new or moved branch and tag heads \(more than 3\)/);
    expect(await pollEvents(server)).toEqual([]);
    const metrics = await server.metrics.text();
    expect(metrics).toMatch(/slipway_poll_breakers_open 1/);
    expect(metrics).toMatch(/slipway_poll_tripped_items_total 4/);

    // Open: not polled, whatever the time.
    clock.now += 60 * MINUTE;
    expect((await server.polls.runOnce()).polled).toBe(0);

    // Only an admin may reset it.
    const developer = await client.createToken({ name: 'dev', user: 'dana' });
    await client.setRole('shop', 'dana', 'admin');
    const dana = new SlipwayClient({ baseUrl: base, token: developer.token });
    await expect(dana.resetProjectPoll('shop')).rejects.toSatisfy(
      (error) => error instanceof ApiError && error.status === 403,
    );
    const reset = await client.resetProjectPoll('shop');
    expect(reset).toMatchObject({ breaker: 'closed', breakerReason: null, heads: null });

    // The next poll takes the flood as the baseline; later moves start runs again.
    expect(await server.polls.runOnce()).toMatchObject({ polled: 1, events: 0 });
    await git(repo.dir, 'commit', '--quiet', '--allow-empty', '--message', 'after');
    clock.now += 2 * MINUTE;
    expect(await server.polls.runOnce()).toMatchObject({ polled: 1, events: 1 });
  });

  it('counts failed polls and carries on at the next interval', async () => {
    const { server, client, clock, repo } = await setUp();
    await client.putProjectPoll('shop', { intervalSeconds: 60 });
    await server.polls.runOnce();
    await rm(repo.dir, { recursive: true, force: true });
    for (let i = 1; i <= 2; i++) {
      clock.now += 2 * MINUTE;
      await server.polls.runOnce();
    }
    const failing = await client.getProjectPoll('shop');
    expect(failing).toMatchObject({ failures: 2, breaker: 'closed', heads: 1 });
    expect(failing.lastError).toMatch(/^git ls-remote failed: /);
    expect(await server.metrics.text()).toMatch(/slipway_poll_cycles_total\{result="failed"\} 2/);

    await client.deleteProjectPoll('shop');
    await expect(client.getProjectPoll('shop')).rejects.toThrow(
      /is not polled: start with `slipway project poll shop --every 5m`/,
    );
  });
});
