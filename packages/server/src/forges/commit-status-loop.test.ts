import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStatus, TriggerEvent, type ControlStore } from '@slipway/core';
import { openControlStore } from '@slipway/store';
import { testPlan, planTask } from '@slipway/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../secrets/secret-box.js';
import { startForgeStandIn, type ForgeStandIn } from '../testing/forge-stand-in.js';
import { CommitStatusLoop } from './commit-status-loop.js';
import { ProjectForges } from './project-forges.js';

const COMMIT = 'c'.repeat(40);
const TOKEN = 'gitea-token-1';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  readonly store: ControlStore;
  readonly forge: ForgeStandIn;
  readonly forges: ProjectForges;
  readonly projectId: string;
  readonly runId: string;
  readonly clock: { now: number };
  readonly loop: () => CommitStatusLoop;
}

async function setUp(): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-statuses-'));
  const store = await openControlStore(join(dir, 'slipway.db'));
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const forge = await startForgeStandIn('gitea', TOKEN, 'octo/shop');
  cleanups.push(() => forge.close());
  const clock = { now: 1_750_000_000_000 };
  const forges = new ProjectForges(store, new SecretBox(randomBytes(32)), {
    allowPrivateUrls: true,
    now: () => clock.now,
    http: { retries: 0 },
  });
  const project = await store.createProject({
    name: 'shop',
    source: '/repo',
    defaultBranch: 'main',
  });
  await store.putProjectWebhook({
    projectId: project.id,
    forge: 'gitea',
    sealedSecret: 'unused',
    updatedAt: clock.now,
  });
  await forges.put(project.id, { apiUrl: forge.apiUrl, repository: 'octo/shop', token: TOKEN });
  const plan = testPlan([planTask('build')], {
    trigger: { event: TriggerEvent.Push, commit: COMMIT },
  });
  const run = await store.createRun({
    projectId: project.id,
    plan,
    trigger: plan.trigger,
    state: {},
    createdAt: clock.now,
  });
  await store.addCommitStatuses([
    {
      projectId: project.id,
      runId: run.id,
      commit: COMMIT,
      context: 'slipway/ci',
      targetUrl: `https://ci.example.com/runs/${run.id}`,
      createdAt: clock.now,
    },
  ]);
  return {
    store,
    forge,
    forges,
    projectId: project.id,
    runId: run.id,
    clock,
    loop: () =>
      new CommitStatusLoop(store, forges, {
        now: () => clock.now,
        retryMs: 1000,
        maxAttempts: 3,
        onError: () => undefined,
      }),
  };
}

function setStatus(store: ControlStore, runId: string, status: RunStatus, now: number) {
  return store.updateRun(runId, (current) => ({
    state: current.state,
    status,
    tasks: [],
    queue: [],
    stop: [],
    applied: [],
    wakeAt: null,
    now,
    result: undefined,
  }));
}

const states = (forge: ForgeStandIn) =>
  forge.calls.map((call) => (call.body as { state: string; description: string }).description);

describe('the commit status outbox', () => {
  it('retries a failed delivery with backoff, across a restart, and sends only the latest state', async () => {
    const { store, forge, clock, runId, loop } = await setUp();
    forge.failNext(503, 1);
    expect(await loop().runOnce()).toBe(1);
    expect(states(forge)).toEqual(['queued']);
    const [row] = await store.listCommitStatuses(
      (await store.findProject('shop'))?.id ?? '',
      COMMIT,
    );
    expect(row).toMatchObject({
      reported: null,
      lastError: expect.stringContaining('answered 503') as string,
    });

    // Not due again before the backoff; the run moves on meanwhile.
    clock.now += 999;
    expect(await loop().runOnce()).toBe(0);
    await setStatus(store, runId, RunStatus.Running, clock.now);
    await setStatus(store, runId, RunStatus.Succeeded, clock.now);

    // A new loop (the server restarted) delivers the latest state only.
    clock.now += 1;
    expect(await loop().runOnce()).toBe(1);
    expect(states(forge)).toEqual(['queued', 'succeeded']);
    expect(forge.calls[1]?.body).toMatchObject({ state: 'success', context: 'slipway/ci' });
    clock.now += 60_000;
    expect(await loop().runOnce()).toBe(0);
  });

  it('gives a state up after a 4xx answer or too many failures, until the run changes', async () => {
    const { store, forge, clock, runId, loop } = await setUp();
    forge.failNext(422, 1);
    expect(await loop().runOnce()).toBe(1);
    clock.now += 100_000;
    expect(await loop().runOnce()).toBe(0);
    await setStatus(store, runId, RunStatus.Running, clock.now);
    forge.failNext(500, 3);
    for (let i = 0; i < 3; i++) {
      expect(await loop().runOnce()).toBe(1);
      clock.now += 10_000;
    }
    expect(await loop().runOnce()).toBe(0);
    expect(forge.calls).toHaveLength(4);
    await setStatus(store, runId, RunStatus.Failed, clock.now);
    expect(await loop().runOnce()).toBe(1);
    expect(forge.calls[4]?.body).toMatchObject({ state: 'failure', description: 'failed' });
  });

  it('lets two replicas deliver a row once', async () => {
    const { forge, loop } = await setUp();
    const counts = await Promise.all([loop().runOnce(), loop().runOnce()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(forge.calls).toHaveLength(1);
  });
});
