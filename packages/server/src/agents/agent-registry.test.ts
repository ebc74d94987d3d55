import type { ControlStore } from '@slipway/core';
import { openControlStore } from '@slipway/store';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentRegistry } from './agent-registry.js';

const T0 = 1_750_000_000_000;

let store: ControlStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

async function sharedStore(): Promise<ControlStore> {
  store = await openControlStore('sqlite::memory:');
  return store;
}

const ignore = (): void => undefined;

describe('AgentRegistry', () => {
  it('lets another replica, or this one restarted, list the agents it heard from', async () => {
    const shared = await sharedStore();
    const first = new AgentRegistry(shared, { onError: ignore });
    const builder = await first.register('builder-1', ['linux'], 2, T0);
    const small = await first.register('small', [], 1, T0 + 1);
    first.seen(builder.id, T0 + 50);
    expect((await first.list()).map((a) => [a.name, a.lastSeenAt])).toEqual([
      ['builder-1', T0 + 50],
      ['small', T0 + 1],
    ]);

    const second = new AgentRegistry(shared, { onError: ignore });
    expect((await second.list()).map((a) => [a.name, a.lastSeenAt])).toEqual([
      ['small', T0 + 1],
      ['builder-1', T0],
    ]);
    await first.stop();
    expect(await second.list()).toEqual([
      { ...builder, lastSeenAt: T0 + 50 },
      { ...small, labels: [], capacity: 1 },
    ]);
  });

  it('keeps the sightings of a write that failed for the next one', async () => {
    const shared = await sharedStore();
    let failures = 1;
    const flaky = Object.create(shared) as ControlStore;
    flaky.noteAgentsSeen = (sightings) => {
      if (failures-- > 0) return Promise.reject(new Error('database is locked'));
      return shared.noteAgentsSeen(sightings);
    };
    const registry = new AgentRegistry(flaky, { onError: ignore });
    const agent = await registry.register('builder', [], 1, T0);
    registry.seen(agent.id, T0 + 10);
    await expect(registry.flush()).rejects.toThrow('database is locked');
    registry.seen(agent.id, T0 + 5);
    await registry.flush();
    expect((await shared.listAgents())[0]?.lastSeenAt).toBe(T0 + 10);
  });
});
