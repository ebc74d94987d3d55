import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ForgeSettings, PullRequestStatus } from '@slipway/api';
import { expect, it } from 'vitest';
import { runCli } from '../e2e/helpers.js';
import {
  apiClient,
  describeOnEachStore,
  slipwayJson,
  upWithShop,
  useCleanup,
  userRepository,
} from './helpers.js';

const PIPELINE = `name: ci
on:
  push:
    branches: [main]
  pull_request: {}
tasks:
  hello:
    steps:
      - echo "hello from $SLIPWAY_BRANCH"
`;
const SECRET = 'github-webhook-secret-5c2e';
const TOKEN = 'ghp-forge-flow-token';

const cleanup = useCleanup();

/** A GitHub API stand-in on loopback that records what it receives. */
async function gitHubStandIn(headCommit: string) {
  const calls: { method: string; path: string; body: Record<string, string> | null }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '';
      calls.push({
        method: request.method ?? '',
        path,
        body: text === '' ? null : (JSON.parse(text) as Record<string, string>),
      });
      const ok = request.headers.authorization === `Bearer ${TOKEN}`;
      const pr = path === '/api/v3/repos/octo/shop/pulls/7';
      response.writeHead(ok ? (pr ? 200 : 201) : 401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          pr
            ? {
                number: 7,
                title: 'Add a cart',
                head: { ref: 'feature', sha: headCommit, repo: { id: 1 } },
                base: { ref: 'main', repo: { id: 1 } },
              }
            : { id: 1 },
        ),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.onCleanup(async () => {
    server.close();
    await once(server, 'close');
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`, calls };
}

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean): Promise<T> {
  const give = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > give) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function deliver(url: string, event: string, payload: unknown): Promise<number> {
  const body = JSON.stringify(payload);
  const signature = createHmac('sha256', SECRET).update(body).digest('hex');
  const response = await fetch(`${url}/api/projects/shop/hooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': `sha256=${signature}`,
    },
    body,
  });
  return response.status;
}

describeOnEachStore('commit statuses and PR commands through slipway up', (store) => {
  it('sets the forge from the CLI, reports statuses, records a /lgtm and auto-merges on /approve', async () => {
    const { dir: repo, commit } = await userRepository(cleanup, PIPELINE);
    const forge = await gitHubStandIn(commit);
    const { up, access } = await upWithShop(cleanup, store, repo, {
      SLIPWAY_FORGE_ALLOW_PRIVATE_URLS: 'true',
      SLIPWAY_PUBLIC_URL: 'https://ci.example.com',
    });
    const env = { SLIPWAY_SERVER: access.url, SLIPWAY_TOKEN: access.token };
    const hook = await runCli(
      ['project', 'webhook', 'shop', '--forge', 'github', '--secret-stdin'],
      { env, input: SECRET },
    );
    expect(hook.code, hook.stderr).toBe(0);

    const set = await runCli(
      ['project', 'forge', 'shop', '--repository', 'octo/shop', '--api-url', forge.url].concat([
        '--user',
        'octocat=alice',
        '--token-stdin',
      ]),
      { env, input: `${TOKEN}\n` },
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe(
      `shop now reports commit statuses to github octo/shop at ${forge.url}\n`,
    );
    expect(set.stdout + set.stderr).not.toContain(TOKEN);
    expect(await slipwayJson<ForgeSettings>(access, ['project', 'forge', 'shop'])).toMatchObject({
      forge: 'github',
      repository: 'octo/shop',
      users: { octocat: 'alice' },
    });

    const push = { ref: 'refs/heads/main', before: '0'.repeat(40), after: commit, created: true };
    expect(await deliver(up.url, 'push', push)).toBe(202);
    const statuses = await until(
      () => forge.calls.filter((c) => c.path === `/api/v3/repos/octo/shop/statuses/${commit}`),
      (list) => list.some((c) => c.body?.state === 'success'),
    );
    // pending when created and while running, success at the end; only the latest state
    // is sent, so a run that finishes before the first delivery sends success alone.
    const states = statuses.map((c) => c.body?.state);
    expect(states[states.length - 1]).toBe('success');
    expect(states.slice(0, -1).every((state) => state === 'pending')).toBe(true);
    expect(statuses[statuses.length - 1]?.body).toMatchObject({
      context: 'slipway/ci',
      description: 'succeeded',
      target_url: expect.stringMatching(/^https:\/\/ci\.example\.com\/runs\/\S+$/) as string,
    });

    await apiClient(access).setRole('shop', 'alice', 'developer');
    const comment = {
      action: 'created',
      issue: { number: 7, pull_request: { url: 'u' } },
      comment: { body: '/lgtm', user: { login: 'octocat' } },
    };
    expect(await deliver(up.url, 'issue_comment', comment)).toBe(202);
    const status = await until(
      () => slipwayJson<PullRequestStatus>(access, ['pr', 'status', 'shop', '7']),
      (s) => s.labels.lgtm.length > 0,
    );
    expect(status).toMatchObject({ number: 7, headCommit: commit, labels: { lgtm: ['alice'] } });
    expect(status.checks).toEqual([
      {
        context: 'slipway/ci',
        state: 'success',
        description: 'succeeded',
        runId: expect.any(String) as string,
      },
    ]);
    const reply = forge.calls.find((c) => c.path === '/api/v3/repos/octo/shop/issues/7/comments');
    expect(reply?.body?.body).toBe('Slipway:\n- lgtm: recorded (by alice)');

    const on = await runCli(['project', 'auto-merge', 'shop', '--on', '--method', 'squash'], {
      env,
    });
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toBe('auto-merge of shop is on: ready pull requests merge by squash\n');
    const waiting = await runCli(['pr', 'status', 'shop', '7'], { env });
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(waiting.stdout).toContain(
      'merge:    not merging, because:\n  - nobody with the developer role has commented /approve\n',
    );

    expect(
      await deliver(up.url, 'issue_comment', {
        ...comment,
        comment: { ...comment.comment, body: '/approve' },
      }),
    ).toBe(202);
    const merge = await until(
      () => forge.calls.filter((c) => c.path === '/api/v3/repos/octo/shop/pulls/7/merge'),
      (list) => list.length > 0,
    );
    expect(merge).toEqual([
      {
        method: 'PUT',
        path: '/api/v3/repos/octo/shop/pulls/7/merge',
        body: { sha: commit, merge_method: 'squash' },
      },
    ]);
    const merged = await until(
      () => slipwayJson<PullRequestStatus>(access, ['pr', 'status', 'shop', '7']),
      (s) => s.merge.state === 'merged',
    );
    expect(merged.merge).toMatchObject({ state: 'merged', reasons: [], method: 'squash' });
  });
});
