import { CommitState, type ForgeClient } from '@slipway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startForgeStandIn, type ForgeStandIn } from '../testing/forge-stand-in.js';
import { createForgeClient, REPORTING_FORGES, type ReportingForge } from './create-forge-client.js';
import { ForgeCallError } from './forge-call-error.js';
import type { ForgeRequestRecord } from './forge-http.js';

const TOKEN = 'forge-token-7d1c';
const COMMIT = '9049f1265b7d61be4a8904a9a27120d2064dab3b';

/** What each forge's API receives for the same call, in its own words. */
const EXPECTED: Readonly<
  Record<
    ReportingForge,
    {
      readonly repository: string;
      readonly status: string;
      readonly comment: string;
      readonly running: Record<string, unknown>;
      readonly failure: Record<string, unknown>;
      readonly auth: readonly [string, string];
      readonly merge: readonly [string, string, Record<string, unknown>];
    }
  >
> = {
  github: {
    repository: 'octo/shop',
    status: `/repos/octo/shop/statuses/${COMMIT}`,
    comment: '/repos/octo/shop/issues/7/comments',
    running: { state: 'pending', context: 'slipway/ci' },
    failure: { state: 'failure', context: 'slipway/ci' },
    auth: ['authorization', `Bearer ${TOKEN}`],
    merge: ['PUT', '/repos/octo/shop/pulls/7/merge', { sha: COMMIT, merge_method: 'squash' }],
  },
  gitea: {
    repository: 'octo/shop',
    status: `/repos/octo/shop/statuses/${COMMIT}`,
    comment: '/repos/octo/shop/issues/7/comments',
    running: { state: 'pending', context: 'slipway/ci' },
    failure: { state: 'failure', context: 'slipway/ci' },
    auth: ['authorization', `token ${TOKEN}`],
    merge: ['POST', '/repos/octo/shop/pulls/7/merge', { Do: 'squash', head_commit_id: COMMIT }],
  },
  gitlab: {
    repository: 'group/sub/shop',
    status: `/projects/group/sub/shop/statuses/${COMMIT}`,
    comment: '/projects/group/sub/shop/merge_requests/7/notes',
    running: { state: 'running', name: 'slipway/ci' },
    failure: { state: 'failed', name: 'slipway/ci' },
    auth: ['private-token', TOKEN],
    merge: [
      'PUT',
      '/projects/group/sub/shop/merge_requests/7/merge',
      { sha: COMMIT, squash: true },
    ],
  },
};

const standIns: ForgeStandIn[] = [];
afterEach(async () => {
  for (const standIn of standIns.splice(0)) await standIn.close();
});

describe.each(REPORTING_FORGES)('the %s client', (forge) => {
  const expected = EXPECTED[forge];

  async function setUp(token = TOKEN): Promise<{
    standIn: ForgeStandIn;
    client: ForgeClient;
    requests: ForgeRequestRecord[];
  }> {
    const standIn = await startForgeStandIn(forge, TOKEN, expected.repository);
    standIns.push(standIn);
    const requests: ForgeRequestRecord[] = [];
    const client = createForgeClient(
      forge,
      { apiUrl: standIn.apiUrl, repository: expected.repository, token },
      { backoffMs: 1, maxBackoffMs: 5, retries: 3, onRequest: (r) => requests.push(r) },
    );
    return { standIn, client, requests };
  }

  it('sets commit statuses with a link, in the forge’s states, authenticated', async () => {
    const { standIn, client } = await setUp();
    await client.setCommitStatus({
      commit: COMMIT,
      state: CommitState.Running,
      context: 'slipway/ci',
      description: 'running',
      targetUrl: 'https://ci.example.com/runs/r1',
    });
    await client.setCommitStatus({
      commit: COMMIT,
      state: CommitState.Failure,
      context: 'slipway/ci',
      description: 'x'.repeat(300),
    });
    expect(standIn.calls.map((call) => [call.method, call.path])).toEqual([
      ['POST', expected.status],
      ['POST', expected.status],
    ]);
    expect(standIn.calls[0]?.body).toEqual({
      ...expected.running,
      description: 'running',
      target_url: 'https://ci.example.com/runs/r1',
    });
    const failure = standIn.calls[1]?.body as Record<string, unknown>;
    expect(failure).toMatchObject(expected.failure);
    expect(String(failure.description)).toHaveLength(140);
    expect(failure).not.toHaveProperty('target_url');
    const [name, value] = expected.auth;
    expect(standIn.calls[0]?.headers[name]).toBe(value);
  });

  it('comments on a pull request and reads one', async () => {
    const { standIn, client } = await setUp();
    standIn.pullRequests.set(7, {
      number: 7,
      title: 'Add a cart',
      headCommit: COMMIT,
      headBranch: 'feature/cart',
      baseBranch: 'main',
      fork: true,
    });
    await client.commentOnPullRequest(7, 'Started `ci`.');
    expect(standIn.calls[0]).toMatchObject({
      method: 'POST',
      path: expected.comment,
      body: { body: 'Started `ci`.' },
    });
    expect(await client.getPullRequest(7)).toEqual({
      number: 7,
      title: 'Add a cart',
      headCommit: COMMIT,
      headBranch: 'feature/cart',
      baseBranch: 'main',
      fork: true,
      state: 'open',
    });
  });

  it('reads a pull request from a fork deleted since as from a fork', async () => {
    const { standIn, client } = await setUp();
    standIn.pullRequests.set(8, {
      number: 8,
      title: 'Fix a typo',
      headCommit: COMMIT,
      headBranch: 'typo',
      baseBranch: 'main',
      fork: 'deleted',
    });
    expect(await client.getPullRequest(8)).toMatchObject({ number: 8, fork: true });
  });

  it('merges a pull request only at the head the checks passed on, and reads it as merged', async () => {
    const { standIn, client } = await setUp();
    standIn.pullRequests.set(7, {
      number: 7,
      title: 'Add a cart',
      headCommit: COMMIT,
      headBranch: 'feature/cart',
      baseBranch: 'main',
      fork: false,
    });
    const moved = await client
      .mergePullRequest({ number: 7, commit: 'f'.repeat(40), method: 'squash' })
      .catch((e: unknown) => e);
    expect(moved).toMatchObject({ status: 409, transient: false });
    await client.mergePullRequest({ number: 7, commit: COMMIT, method: 'squash' });
    const [method, path, body] = expected.merge;
    expect(standIn.calls[1]).toMatchObject({ method, path, body });
    expect((await client.getPullRequest(7)).state).toBe('merged');
  });

  it('retries server errors and 429 with backoff, and counts every request', async () => {
    const { standIn, client, requests } = await setUp();
    standIn.failNext(503, 1);
    standIn.failNext(429, 1);
    await client.commentOnPullRequest(7, 'hello');
    expect(standIn.calls).toHaveLength(3);
    expect(requests.map((r) => [r.status, r.success])).toEqual([
      ['503', false],
      ['429', false],
      ['201', true],
    ]);
    expect(requests[0]?.host).toBe(new URL(standIn.apiUrl).host);
  });

  it('gives up after the last retry with a transient error', async () => {
    const { standIn, client } = await setUp();
    standIn.failNext(502, 4);
    const error = await client.commentOnPullRequest(7, 'hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeCallError);
    expect(error).toMatchObject({ status: 502, transient: true });
    expect(standIn.calls).toHaveLength(4);
  });

  it('never retries a 4xx answer and says what to fix', async () => {
    const { standIn, client } = await setUp('wrong-token');
    const error = await client
      .setCommitStatus({
        commit: COMMIT,
        state: CommitState.Success,
        context: 'c',
        description: 'd',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeCallError);
    expect(error).toMatchObject({ status: 401, transient: false });
    expect((error as Error).message).toContain('slipway project forge');
    expect(standIn.calls).toHaveLength(1);
    const missing = await setUp();
    const notFound = await missing.client.getPullRequest(99).catch((e: unknown) => e);
    expect(notFound).toMatchObject({ status: 404, transient: false });
    expect(missing.standIn.calls).toHaveLength(1);
  });

  it('retries network failures, then reports the host could not be reached', async () => {
    const { standIn, client, requests } = await setUp();
    await standIn.close();
    standIns.splice(standIns.indexOf(standIn), 1);
    const error = await client.commentOnPullRequest(7, 'hello').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: null, transient: true });
    expect((error as Error).message).toContain('could not be reached');
    expect(requests.map((r) => r.status)).toEqual(['network', 'network', 'network', 'network']);
  });
});
