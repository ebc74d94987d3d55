import { webcrypto } from 'node:crypto';
import type { ControlStore, NewTriggerEvent } from '@slipway/core';
import { openControlStore } from '@slipway/store';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

let store: ControlStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

/**
 * Webhook intake over the real SQLite store: a project, and a GroupCommit recording
 * deliveries, with the size of each write it asked the store for.
 */
async function intake() {
  const real = await openControlStore('sqlite::memory:');
  store = real;
  const batches: number[] = [];
  const counting = Object.create(real) as ControlStore;
  counting.recordTriggerEvents = (events) => {
    batches.push(events.length);
    return real.recordTriggerEvents(events);
  };
  const project = await counting.createProject({ name: 'p', source: '/p', defaultBranch: 'main' });
  const writer = new GroupCommit((events: readonly NewTriggerEvent[]) =>
    counting.recordTriggerEvents(events),
  );
  return { store: counting, batches, project, writer };
}

/** A delivery to project `projectId` with delivery id `id`. */
function delivery(projectId: string, id: string): NewTriggerEvent {
  return {
    projectId,
    source: 'github',
    deliveryId: id,
    kind: 'push',
    payload: '{}',
    receivedAt: 1,
  };
}

describe('GroupCommit, as webhook intake uses it', () => {
  it('stores concurrent deliveries in a few writes, answering each once stored', async () => {
    const { store: counting, batches, project, writer } = await intake();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => writer.add(delivery(project.id, `d${i % 40}`))),
    );
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(40);
    expect(answers.filter((a) => a.duplicate)).toHaveLength(10);
    expect(answers[45]?.event.id).toBe(answers[5]?.event.id);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(50);
    expect(batches.length).toBeLessThan(5);
    expect(await counting.listTriggerEvents({ projectId: project.id, limit: 100 })).toHaveLength(
      40,
    );
  });

  it('groups deliveries whose requests finish in separate callbacks of one turn', async () => {
    const { batches, project, writer } = await intake();
    // Like webhook requests: each checks its signature in the thread pool, and the checks
    // finish in separate callbacks, then each request records its delivery.
    const deliver = async (i: number) => {
      await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(`body ${i}`));
      return await writer.add(delivery(project.id, `d${i}`));
    };
    const answers = await Promise.all(Array.from({ length: 32 }, (_, i) => deliver(i)));
    expect(answers.every((a) => !a.duplicate)).toBe(true);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(32);
    expect(batches.length).toBeLessThanOrEqual(8);
  });

  it('groups with the deliveries of one turn those that arrive in the next', async () => {
    const { batches, project, writer } = await intake();
    const deliver = (id: string) => writer.add(delivery(project.id, id));
    const first = deliver('first');
    const next = new Promise((resolve) =>
      setImmediate(() => {
        resolve(deliver('next'));
      }),
    );
    await Promise.all([first, next]);
    expect(batches).toEqual([2]);
  });

  it('fails every delivery of a write that fails, and goes on with the next', async () => {
    const { project, writer } = await intake();
    await expect(writer.add(delivery('no-such-project', 'x'))).rejects.toThrow();
    const stored = await writer.add(delivery(project.id, 'x'));
    expect(stored.duplicate).toBe(false);
  });
});
