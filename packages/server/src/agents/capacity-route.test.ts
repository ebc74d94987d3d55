import { isApiError, SlipwayClient } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  gitRepository,
  serverFixture,
  TWO_TASKS,
  type ServerFixture,
} from '../testing/server-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function status(call: Promise<unknown>): Promise<number> {
  const error: unknown = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isApiError(error)) throw new Error(`expected an API error, got ${String(error)}`);
  return error.status;
}

/** The server's clock, moved by the tests. */
let time = Date.now();

async function setUp(): Promise<{ server: ServerFixture; url: string; admin: SlipwayClient }> {
  time = Date.now();
  const server = await serverFixture({}, { startScheduler: false, now: () => time });
  cleanups.push(() => server.close());
  const repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
  cleanups.push(() => repo.remove());
  const url = await server.listen();
  const admin = new SlipwayClient({ baseUrl: url, token: server.token });
  await admin.createProject({ name: 'shop', source: repo.dir });
  return { server, url, admin };
}

describe('GET /api/capacity', () => {
  it('answers every signed-in user, viewers and users without a role too, and no one else', async () => {
    const { url, admin } = await setUp();
    expect(await status(new SlipwayClient({ baseUrl: url }).getCapacity())).toBe(401);
    expect(await status(new SlipwayClient({ baseUrl: url, token: 'slw_nope' }).getCapacity())).toBe(
      401,
    );

    const viewer = await admin.createToken({ name: 'v', user: 'vi' });
    await admin.setRole('shop', 'vi', 'viewer');
    const asViewer = new SlipwayClient({ baseUrl: url, token: viewer.token });
    expect(await asViewer.getCapacity()).toEqual({ agents: 0, slots: 0, busy: 0, queued: 0 });
    // The route reveals no project data, so a user with no role anywhere reads it as well.
    const stranger = await admin.createToken({ name: 's', user: 'st' });
    expect(await new SlipwayClient({ baseUrl: url, token: stranger.token }).getCapacity()).toEqual({
      agents: 0,
      slots: 0,
      busy: 0,
      queued: 0,
    });
    // Agent tokens speak only the agent protocol.
    const agent = await admin.createToken({ name: 'a', user: 'runner', kind: 'agent' });
    expect(
      await status(new SlipwayClient({ baseUrl: url, token: agent.token }).getCapacity()),
    ).toBeGreaterThanOrEqual(401);
  });

  it('counts connected agents, their slots, the held attempts and the queued ones', async () => {
    const { server, url, admin } = await setUp();
    const { agentId } = await admin.registerAgent({ name: 'b1', labels: [], capacity: 3 });
    await admin.registerAgent({ name: 'b2', labels: [], capacity: 2 });
    // A run of two tasks, `test` needing `build`: one attempt waits for an agent.
    await admin.createRun('shop');
    expect(await admin.getCapacity()).toEqual({ agents: 2, slots: 5, busy: 0, queued: 1 });

    const claimed = await admin.claim({ agentId, labels: [], free: 3, waitMs: 0 });
    expect(claimed.attempts).toHaveLength(1);
    await admin.createRun('shop');
    const viewer = await admin.createToken({ name: 'v', user: 'vi' });
    await admin.setRole('shop', 'vi', 'viewer');
    expect(await new SlipwayClient({ baseUrl: url, token: viewer.token }).getCapacity()).toEqual({
      agents: 2,
      slots: 5,
      busy: 1,
      queued: 1,
    });

    // An agent not heard from within the lease time is no longer counted; the held
    // attempt stays busy until its lease is found lapsed.
    time += server.config.leaseMs + 1;
    await admin.heartbeat({ agentId, attemptIds: [] });
    expect(await admin.getCapacity()).toEqual({ agents: 1, slots: 3, busy: 1, queued: 1 });
  });
});
