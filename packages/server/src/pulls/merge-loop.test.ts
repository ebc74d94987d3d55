import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MergeStatus,
  ProjectRole,
  RunStatus,
  TriggerEvent,
  type ControlStore,
  type PullRequestRecord,
} from '@slipway/core';
import { openControlStore } from '@slipway/store';
import { planTask, testPlan } from '@slipway/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReportingForge } from '../forges/create-forge-client.js';
import { ProjectForges } from '../forges/project-forges.js';
import { SecretBox } from '../secrets/secret-box.js';
import { startForgeStandIn, type ForgeStandIn } from '../testing/forge-stand-in.js';
import { AutoMerge } from './auto-merge.js';
import { MergeState } from './merge-decision.js';
import { MergeLoop, type MergeResult } from './merge-loop.js';

const HEAD = 'a'.repeat(40);
const NEW_HEAD = 'b'.repeat(40);
const TOKEN = 'forge-token-1';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  readonly store: ControlStore;
  readonly forge: ForgeStandIn;
  readonly forges: ProjectForges;
  readonly projectId: string;
  readonly clock: { now: number };
  readonly autoMerge: AutoMerge;
  readonly loop: MergeLoop;
  readonly results: MergeResult[];
  /** Adds a check of `commit`: a run of `pipeline` with `status`. */
  readonly check: (pipeline: string, status: RunStatus, commit?: string) => Promise<void>;
  /** Changes the record of pull request #7. */
  readonly record: (change: Partial<PullRequestRecord>) => Promise<PullRequestRecord>;
}

/**
 * A project on a forge stand-in with auto-merge on (squash), alice a developer, and pull
 * request #7 open at HEAD, approved by alice, with no check yet.
 */
async function setUp(kind: ReportingForge = 'github'): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-merges-'));
  const store = await openControlStore(join(dir, 'slipway.db'));
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const forge = await startForgeStandIn(kind, TOKEN, 'octo/shop');
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
    forge: kind,
    sealedSecret: 'unused',
    updatedAt: clock.now,
  });
  await forges.put(project.id, { apiUrl: forge.apiUrl, repository: 'octo/shop', token: TOKEN });
  await forges.setAutoMerge(project.id, 'shop', true, 'squash');
  await store.setRole({
    projectId: project.id,
    user: 'alice',
    role: ProjectRole.Developer,
    updatedAt: clock.now,
  });
  forge.pullRequests.set(7, {
    number: 7,
    title: 'Add a cart',
    headCommit: HEAD,
    headBranch: 'feature/cart',
    baseBranch: 'main',
    fork: false,
  });
  const record = (change: Partial<PullRequestRecord>) =>
    store.updatePullRequest(project.id, 7, (current) => ({
      ...current,
      ...change,
      updatedAt: clock.now,
    }));
  await record({ headCommit: HEAD, labels: { approved: ['alice'] } });
  const check = async (pipeline: string, status: RunStatus, commit = HEAD) => {
    const plan = testPlan([planTask('build')], {
      pipeline,
      trigger: { event: TriggerEvent.PullRequest, commit, pr: 7 },
    });
    const run = await store.createRun({
      projectId: project.id,
      plan,
      trigger: plan.trigger,
      state: {},
      createdAt: clock.now,
    });
    await store.updateRun(run.id, (current) => ({
      state: current.state,
      status,
      tasks: [],
      queue: [],
      stop: [],
      applied: [],
      wakeAt: null,
      now: clock.now,
      result: undefined,
    }));
    await store.addCommitStatuses([
      {
        projectId: project.id,
        runId: run.id,
        commit,
        context: `slipway/${pipeline}`,
        targetUrl: null,
        createdAt: clock.now++,
      },
    ]);
  };
  const autoMerge = new AutoMerge(store, forges, { now: () => clock.now });
  const results: MergeResult[] = [];
  const loop = new MergeLoop(store, forges, autoMerge, {
    now: () => clock.now,
    retryMs: 1000,
    maxAttempts: 3,
    onResult: (result) => results.push(result),
    onError: () => undefined,
  });
  return {
    store,
    forge,
    forges,
    projectId: project.id,
    clock,
    autoMerge,
    loop,
    results,
    check,
    record,
  };
}

function replies(forge: ForgeStandIn): string[] {
  return forge.calls
    .filter((call) => call.method === 'POST' && call.path.endsWith('/comments'))
    .map((call) => (call.body as { body: string }).body);
}

describe('auto-merge through the merge outbox', () => {
  it('merges an approved pull request whose checks are green, once, with the sha guard', async () => {
    const { store, forge, projectId, autoMerge, loop, results, check } = await setUp();
    await check('ci', RunStatus.Succeeded);
    await check('lint', RunStatus.Failed);
    await check('lint', RunStatus.Succeeded); // a retest: the latest run counts
    expect(await autoMerge.evaluate(projectId, 7)).toMatchObject({ state: MergeState.Merging });
    expect(await autoMerge.evaluate(projectId, 7)).toMatchObject({ state: MergeState.Merging });
    expect(await loop.runOnce()).toBe(1);
    expect(forge.merges).toEqual([{ number: 7, commit: HEAD, method: 'squash' }]);
    const merge = forge.calls.find((call) => call.path.endsWith('/merge'));
    expect(merge).toMatchObject({
      method: 'PUT',
      path: '/repos/octo/shop/pulls/7/merge',
      body: { sha: HEAD, merge_method: 'squash' },
    });
    expect(results).toEqual(['merged']);
    expect((await store.findPullRequest(projectId, 7))?.merge).toMatchObject({
      status: MergeStatus.Merged,
      nextAttemptAt: null,
    });
    expect(await loop.runOnce()).toBe(0);
    expect((await autoMerge.status(projectId, 7)).decision.state).toBe(MergeState.Merged);
  });

  it('is held back by a /hold, a red check or a check still running, and says why', async () => {
    const { forge, projectId, autoMerge, loop, check, record } = await setUp();
    await check('ci', RunStatus.Succeeded);
    await record({ labels: { approved: ['alice'], held: ['bob'] } });
    expect(await autoMerge.evaluate(projectId, 7)).toMatchObject({
      state: MergeState.Blocked,
      reasons: ['held by bob: /hold cancel takes the hold away'],
    });
    await record({ labels: { approved: ['alice'] } });
    await check('lint', RunStatus.Failed);
    await check('e2e', RunStatus.Running);
    expect(await autoMerge.evaluate(projectId, 7)).toMatchObject({
      state: MergeState.Blocked,
      reasons: ['check slipway/lint is failure (failed)', 'check slipway/e2e is running (running)'],
    });
    expect(await loop.runOnce()).toBe(0);
    expect(forge.merges).toEqual([]);
  });

  it('does not merge when the head moved, even after the merge was queued', async () => {
    const { store, forge, projectId, autoMerge, loop, results, check } = await setUp();
    await check('ci', RunStatus.Succeeded);
    expect((await autoMerge.evaluate(projectId, 7)).state).toBe(MergeState.Merging);
    // A push lands before the merge is carried out.
    const pr = forge.pullRequests.get(7);
    if (pr === undefined) throw new Error('pull request #7');
    forge.pullRequests.set(7, { ...pr, headCommit: NEW_HEAD });
    expect(await loop.runOnce()).toBe(1);
    expect(results).toEqual(['dropped']);
    expect(forge.merges).toEqual([]);
    expect(forge.calls.some((call) => call.path.endsWith('/merge'))).toBe(false);
    expect((await store.findPullRequest(projectId, 7))?.merge).toMatchObject({
      status: MergeStatus.Dropped,
      lastError: `the head moved to ${NEW_HEAD.slice(0, 12)} since the checks ran on ${HEAD.slice(0, 12)}; its checks have not reported yet`,
    });
  });

  it('retries forge errors with backoff, then merges', async () => {
    const { store, forge, forges, projectId, clock, autoMerge, loop, results, check } =
      await setUp('gitlab');
    await expect(forges.setAutoMerge(projectId, 'shop', true, 'rebase')).rejects.toThrow(
      'gitlab cannot merge by rebase through its API: choose merge or squash',
    );
    await check('ci', RunStatus.Succeeded);
    await autoMerge.evaluate(projectId, 7);
    // A pass reads the merge request, then merges: the merge call answers 502.
    forgeFailsAfter(forge, 1, 502);
    expect(await loop.runOnce()).toBe(1);
    expect(results).toEqual(['retry']);
    const queued = (await store.findPullRequest(projectId, 7))?.merge;
    expect(queued).toMatchObject({
      status: MergeStatus.Queued,
      attempts: 1,
      nextAttemptAt: clock.now + 1000,
      lastError: expect.stringContaining('answered 502') as string,
    });
    clock.now += 999;
    expect(await loop.runOnce()).toBe(0);
    clock.now += 1;
    expect(await loop.runOnce()).toBe(1);
    expect(results).toEqual(['retry', 'merged']);
    expect(forge.merges).toEqual([{ number: 7, commit: HEAD, method: 'squash' }]);
    expect(forge.calls.find((call) => call.path.endsWith('/merge'))).toMatchObject({
      method: 'PUT',
      path: '/projects/octo/shop/merge_requests/7/merge',
      body: { sha: HEAD, squash: true },
    });
    expect((await autoMerge.status(projectId, 7)).decision.state).toBe(MergeState.Merged);
  });

  it('gives up on a refusal, says so on the pull request, and tries again after a new /approve', async () => {
    const { store, forge, projectId, autoMerge, loop, results, check, record } =
      await setUp('gitea');
    await check('ci', RunStatus.Succeeded);
    await autoMerge.evaluate(projectId, 7);
    forgeFailsAfter(forge, 1, 405);
    expect(await loop.runOnce()).toBe(1);
    expect(results).toEqual(['failed']);
    expect(replies(forge)).toEqual([
      expect.stringMatching(
        /^Slipway: could not merge aaaaaaaaaaaa \(squash\): .*answered 405/,
      ) as string,
    ]);
    const status = await autoMerge.status(projectId, 7);
    expect(status.decision).toMatchObject({
      state: MergeState.Failed,
      reasons: [expect.stringContaining('answered 405') as string],
    });
    // Evaluating again does not queue the same head again.
    expect((await autoMerge.evaluate(projectId, 7)).state).toBe(MergeState.Failed);
    expect(await loop.runOnce()).toBe(0);

    // What a new /approve does (PullRequestCommands clears the failed merge).
    await record({ merge: null });
    expect((await autoMerge.evaluate(projectId, 7)).state).toBe(MergeState.Merging);
    expect(await loop.runOnce()).toBe(1);
    expect(forge.merges).toEqual([{ number: 7, commit: HEAD, method: 'squash' }]);
    expect(forge.calls.find((call) => call.path.endsWith('/merge'))).toMatchObject({
      method: 'POST',
      path: '/repos/octo/shop/pulls/7/merge',
      body: { Do: 'squash', head_commit_id: HEAD },
    });
    expect((await store.findPullRequest(projectId, 7))?.merge?.status).toBe(MergeStatus.Merged);
  });

  it('lets two replicas carry a merge out once', async () => {
    const { forge, projectId, autoMerge, loop, check } = await setUp();
    await check('ci', RunStatus.Succeeded);
    await autoMerge.evaluate(projectId, 7);
    const counts = await Promise.all([loop.runOnce(), loop.runOnce()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(forge.merges).toHaveLength(1);
  });
});

/** Lets `calls` calls through, then answers the next one `status`. */
function forgeFailsAfter(forge: ForgeStandIn, calls: number, status: number): void {
  forge.failAt(forge.calls.length + calls, status);
}
