import { SlipwayClient, type PullRequestStatus } from '@slipway/api';
import type { RunRecord } from '@slipway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startForgeStandIn, type ForgeStandIn } from '../testing/forge-stand-in.js';
import { until as untilDone } from '../testing/protocol-steps.js';
import { gitRepository, serverFixture, type ServerFixture } from '../testing/server-fixture.js';
import { deliverGitHub } from '../testing/signed-delivery.js';
import { startTestAgent } from '../testing/test-agent.js';
import { githubExample } from '../testing/webhook-samples.js';

const SECRET = 'whsec-5c1e9a7f3b2d4e60';
const TOKEN = 'ghp-auto-merge-token';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Reads until `done` holds or 30 s passed (the machine may be busy); returns the last value. */
function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  return untilDone(read, done, { withinMs: 30_000, everyMs: 50 });
}

interface Setup {
  readonly server: ServerFixture;
  readonly client: SlipwayClient;
  readonly base: string;
  readonly commit: string;
  readonly forge: ForgeStandIn;
}

async function setUp(pipelines: Record<string, string>): Promise<Setup> {
  const server = await serverFixture({ forgeAllowPrivateUrls: true });
  cleanups.push(() => server.close());
  const repo = await gitRepository(pipelines);
  cleanups.push(() => repo.remove());
  const forge = await startForgeStandIn('github', TOKEN, 'octo/shop');
  cleanups.push(() => forge.close());
  forge.pullRequests.set(7, {
    number: 7,
    title: 'Add a cart',
    headCommit: repo.commit,
    headBranch: 'feature/cart',
    baseBranch: 'main',
    fork: false,
  });
  const base = await server.listen();
  const client = new SlipwayClient({ baseUrl: base, token: server.token });
  await client.createProject({ name: 'shop', source: repo.dir });
  await client.putProjectWebhook('shop', { forge: 'github', secret: SECRET });
  await client.putProjectForge('shop', {
    apiUrl: forge.apiUrl,
    repository: 'octo/shop',
    token: TOKEN,
    users: { Codertocat: 'alice' },
  });
  await client.setRole('shop', 'alice', 'developer');
  cleanups.push(startTestAgent(server, base));
  return { server, client, base, commit: repo.commit, forge };
}

async function deliver(base: string, event: string, payload: unknown): Promise<void> {
  expect((await deliverGitHub(base, event, payload, { secret: SECRET })).status).toBe(202);
}

/** The real GitHub pull request example, opened for #7 at `sha`. */
function pullRequestOpened(sha: string) {
  const payload = githubExample('pull_request', (p) => p.action === 'opened');
  const pr = payload.pull_request as Record<string, Record<string, unknown>>;
  return {
    ...payload,
    action: 'opened',
    number: 7,
    pull_request: {
      ...pr,
      number: 7,
      title: 'Add a cart',
      head: { ...pr.head, ref: 'feature/cart', sha, repo: pr.base?.repo },
      base: { ...pr.base, ref: 'main' },
    },
  };
}

/** The real GitHub issue_comment example, as a new comment on pull request #7. */
function comment(body: string) {
  const payload = githubExample('issue_comment', (p) => p.action === 'created');
  const issue = payload.issue as Record<string, unknown>;
  const original = payload.comment as Record<string, unknown>;
  return {
    ...payload,
    issue: {
      ...issue,
      number: 7,
      pull_request: { url: 'https://api.github.com/repos/octo/shop/pulls/7' },
    },
    comment: { ...original, body, user: { ...(original.user as object), login: 'Codertocat' } },
  };
}

async function finishedRuns(server: ServerFixture, count: number): Promise<RunRecord[]> {
  return until(
    () => server.store.listRuns({ limit: 50 }),
    (runs) => runs.length >= count && runs.every((run) => run.finishedAt !== null),
  );
}

function mergeOf(client: SlipwayClient): Promise<PullRequestStatus['merge']> {
  return client.getPullRequestStatus('shop', 7).then((status) => status.merge);
}

const GREEN = {
  '.slipway/ci.yml': `name: ci
on:
  pull_request: {}
tasks:
  test:
    steps:
      - run: echo ok
`,
};

describe('auto-merge, end to end', () => {
  it('merges once the checks are green and a developer approves, and not while held', async () => {
    const { server, client, base, commit, forge } = await setUp(GREEN);
    expect(await client.putProjectAutoMerge('shop', { enabled: true, method: 'squash' })).toEqual({
      enabled: true,
      method: 'squash',
    });
    expect((await client.getProjectForge('shop')).autoMerge).toBe('squash');

    await deliver(base, 'pull_request', pullRequestOpened(commit));
    await finishedRuns(server, 1);
    const waiting = await until(
      () => mergeOf(client),
      (merge) => merge.reasons.every((reason) => !reason.startsWith('check')),
    );
    expect(waiting).toMatchObject({
      state: 'blocked',
      reasons: ['nobody with the developer role has commented /approve'],
      method: 'squash',
    });

    await deliver(base, 'issue_comment', comment('/hold\n/approve'));
    const held = await until(
      () => mergeOf(client),
      (merge) => merge.reasons.some((reason) => reason.startsWith('held')),
    );
    expect(held).toMatchObject({
      state: 'blocked',
      reasons: ['held by alice: /hold cancel takes the hold away'],
    });
    expect(forge.merges).toEqual([]);

    await deliver(base, 'issue_comment', comment('/hold cancel'));
    await until(
      () => Promise.resolve(forge.merges.length),
      (count) => count === 1,
    );
    expect(forge.merges).toEqual([{ number: 7, commit, method: 'squash' }]);
    expect(
      await until(
        () => mergeOf(client),
        (merge) => merge.state === 'merged',
      ),
    ).toMatchObject({ state: 'merged', reasons: [] });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('slipway_auto_merge_attempts_total 1');
    expect(metrics).toContain('slipway_auto_merges_total{result="merged"} 1');
  }, 120_000);

  it('says on the pull request why the forge refused, and tries again after a new /approve', async () => {
    const { server, client, base, commit, forge } = await setUp(GREEN);
    await client.putProjectAutoMerge('shop', { enabled: true, method: 'merge' });
    forge.refuseMerges(405);
    await deliver(base, 'pull_request', pullRequestOpened(commit));
    await finishedRuns(server, 1);
    await deliver(base, 'issue_comment', comment('/approve'));
    const failed = await until(
      () => mergeOf(client),
      (merge) => merge.state === 'failed',
    );
    expect(failed.reasons).toEqual([
      expect.stringContaining('Required status check "deploy" is expected.') as string,
    ]);
    const said = await until(
      () =>
        Promise.resolve(
          forge.calls
            .filter((call) => call.path === '/repos/octo/shop/issues/7/comments')
            .map((call) => (call.body as { body: string }).body),
        ),
      (list) => list.some((body) => body.includes('could not merge')),
    );
    expect(said.find((body) => body.includes('could not merge'))).toContain(
      `Slipway: could not merge ${commit.slice(0, 12)} (merge): merging pull request #7`,
    );
    expect(forge.merges).toEqual([]);

    forge.refuseMerges(null);
    await deliver(base, 'issue_comment', comment('/approve'));
    await until(
      () => Promise.resolve(forge.merges.length),
      (count) => count === 1,
    );
    expect(forge.merges).toEqual([{ number: 7, commit, method: 'merge' }]);
  }, 120_000);

  it('does not merge a pull request whose check is red, and stops when turned off', async () => {
    const { server, client, base, commit, forge } = await setUp({
      '.slipway/ci.yml': `name: ci
on:
  pull_request: {}
tasks:
  test:
    steps:
      - run: exit 1
`,
    });
    await expect(client.putProjectAutoMerge('shop', { enabled: true })).resolves.toEqual({
      enabled: true,
      method: 'merge',
    });
    await deliver(base, 'pull_request', pullRequestOpened(commit));
    await deliver(base, 'issue_comment', comment('/approve'));
    await finishedRuns(server, 1);
    const red = await until(
      () => mergeOf(client),
      (merge) => merge.reasons.includes('check slipway/ci is failure (failed)'),
    );
    expect(red).toMatchObject({
      state: 'blocked',
      reasons: ['check slipway/ci is failure (failed)'],
    });
    expect(forge.merges).toEqual([]);
    await expect(client.putProjectAutoMerge('shop', { enabled: false })).resolves.toEqual({
      enabled: false,
      method: null,
    });
    expect((await mergeOf(client)).state).toBe('off');
  }, 120_000);
});
