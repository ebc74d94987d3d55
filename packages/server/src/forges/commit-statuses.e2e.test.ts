import { SlipwayClient } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startForgeStandIn,
  type ForgeStandIn,
  type RecordedForgeCall,
} from '../testing/forge-stand-in.js';
import { until as untilDone } from '../testing/protocol-steps.js';
import { gitRepository, serverFixture, type ServerFixture } from '../testing/server-fixture.js';
import { deliverGitHub } from '../testing/signed-delivery.js';
import { startTestAgent } from '../testing/test-agent.js';
import { githubExample, gitlabPush } from '../testing/webhook-samples.js';

const SECRET = 'whsec-0c4e8a7f2b9d1e35';
const TOKEN = 'ghp-stand-in-token';
const PUBLIC_URL = 'https://ci.example.com';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PIPELINES = {
  '.slipway/ci.yml': `name: ci
on:
  push:
    branches: [main]
tasks:
  test:
    steps:
      - run: echo testing
`,
  '.slipway/lint.yml': `name: lint
on:
  push:
    branches: [main]
tasks:
  lint:
    steps:
      - run: exit 3
`,
  '.slipway/docs.yml': `name: docs
on:
  push:
    paths: ['docs/**']
tasks:
  build:
    steps:
      - run: echo docs
`,
};

interface Setup {
  readonly server: ServerFixture;
  readonly client: SlipwayClient;
  readonly base: string;
  readonly commit: string;
  readonly forge: ForgeStandIn;
  /** Starts the embedded-style agent that runs the steps. */
  readonly startAgent: () => void;
}

async function setUp(forgeKind: 'github' | 'gitlab', repository: string): Promise<Setup> {
  const server = await serverFixture({ publicUrl: PUBLIC_URL, forgeAllowPrivateUrls: true });
  cleanups.push(() => server.close());
  const repo = await gitRepository(PIPELINES);
  cleanups.push(() => repo.remove());
  const forge = await startForgeStandIn(forgeKind, TOKEN, repository);
  cleanups.push(() => forge.close());
  const base = await server.listen();
  const client = new SlipwayClient({ baseUrl: base, token: server.token });
  await client.createProject({ name: 'shop', source: repo.dir });
  await client.putProjectWebhook('shop', { forge: forgeKind, secret: SECRET });
  await client.putProjectForge('shop', { apiUrl: forge.apiUrl, repository, token: TOKEN });
  return {
    server,
    client,
    base,
    commit: repo.commit,
    forge,
    startAgent: () => {
      cleanups.push(startTestAgent(server, base));
    },
  };
}

async function deliverGitHubPush(base: string, commit: string): Promise<void> {
  const payload = githubExample('push', (p) => p.ref === 'refs/heads/master');
  const commits = payload.commits as Record<string, unknown>[];
  const head = { ...commits[0], id: commit, added: [], removed: [], modified: ['src/app.ts'] };
  const push = {
    ...payload,
    ref: 'refs/heads/main',
    before: '1'.repeat(40),
    after: commit,
    created: false,
    commits: [head],
    head_commit: head,
  };
  expect((await deliverGitHub(base, 'push', push, { secret: SECRET })).status).toBe(202);
}

/** Reads until `done` holds or 30 s passed (the machine may be busy); returns the last value. */
function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  return untilDone(read, done, { withinMs: 30_000, everyMs: 50 });
}

/** The statuses the stand-in received, per context, in order: [state, description, url]. */
function statusesByContext(calls: readonly RecordedForgeCall[]): Record<string, string[][]> {
  const out: Record<string, string[][]> = {};
  for (const call of calls) {
    if (!call.path.includes('/statuses/')) continue;
    const body = call.body as Record<string, string>;
    const context = body.context ?? body.name ?? '';
    (out[context] ??= []).push([body.state ?? '', body.description ?? '', body.target_url ?? '']);
  }
  return out;
}

function lastStates(calls: readonly RecordedForgeCall[]): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(statusesByContext(calls)).map(([context, list]) => [
      context,
      list[list.length - 1]?.slice(0, 2).join(' '),
    ]),
  );
}

describe('commit statuses, end to end', () => {
  it('reports pending, then each run’s outcome with a link, and skipped pipelines as success', async () => {
    const { base, commit, forge, startAgent, server } = await setUp('github', 'octo/shop');
    forge.failNext(503, 2);
    await deliverGitHubPush(base, commit);

    const started = await until(
      () => Promise.resolve(lastStates(forge.calls)),
      (states) =>
        states['slipway/ci'] === 'pending running' && states['slipway/lint'] === 'pending running',
    );
    expect(started).toEqual({
      'slipway/ci': 'pending running',
      'slipway/lint': 'pending running',
      'slipway/docs': 'success skipped',
    });
    expect(statusesByContext(forge.calls)['slipway/ci']?.[0]?.slice(0, 2)).toEqual([
      'pending',
      'queued',
    ]);
    startAgent();
    const final = await until(
      () => Promise.resolve(lastStates(forge.calls)),
      (states) =>
        states['slipway/ci'] === 'success succeeded' && states['slipway/lint'] === 'failure failed',
    );
    expect(final).toEqual({
      'slipway/ci': 'success succeeded',
      'slipway/lint': 'failure failed',
      'slipway/docs': 'success skipped',
    });
    const statusCalls = forge.calls.filter((call) => call.path.includes('/statuses/'));
    expect(new Set(statusCalls.map((call) => call.path))).toEqual(
      new Set([`/repos/octo/shop/statuses/${commit}`]),
    );
    const ci = statusesByContext(forge.calls)['slipway/ci'] ?? [];
    const runs = await server.store.listRuns({ limit: 10 });
    const ciRun = runs.find((run) => run.pipeline === 'ci');
    expect(ci.every(([, , url]) => url === `${PUBLIC_URL}/runs/${ciRun?.id ?? ''}`)).toBe(true);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /slipway_forge_requests_total\{host="127\.0\.0\.1:\d+",status="503",success="false"\} 2/,
    );
    expect(metrics).toMatch(/slipway_commit_status_deliveries_total\{result="delivered"\} \d+/);
  });

  it('never fails a run because the forge refuses its statuses, and records why', async () => {
    const { base, commit, forge, startAgent, server, client } = await setUp('github', 'octo/shop');
    await client.putProjectForge('shop', {
      apiUrl: forge.apiUrl,
      repository: 'octo/shop',
      token: 'a-revoked-token',
    });
    startAgent();
    await deliverGitHubPush(base, commit);
    const project = await server.store.findProject('shop');
    const statuses = await until(
      () => server.store.listCommitStatuses(project?.id ?? '', commit),
      (list) =>
        list.length === 3 &&
        list.every(
          (s) =>
            (s.runStatus === null || ['succeeded', 'failed'].includes(s.runStatus)) &&
            s.reported === (s.runStatus ?? 'skipped'),
        ),
    );
    expect(statuses.map((s) => [s.context, s.runStatus])).toEqual(
      expect.arrayContaining([
        ['slipway/ci', 'succeeded'],
        ['slipway/lint', 'failed'],
        ['slipway/docs', null],
      ]),
    );
    for (const status of statuses) expect(status.lastError).toContain('answered 401');
    // A 401 is not retried: one call per state delivered.
    const reported = statuses.filter((s) => s.reported !== null).length;
    expect(forge.calls.length).toBeGreaterThanOrEqual(reported);
    expect(forge.calls.every((call) => call.method === 'POST')).toBe(true);
  });

  it('reports to GitLab under the project path, in the states GitLab knows', async () => {
    const { base, commit, forge, startAgent } = await setUp('gitlab', 'group/shop');
    startAgent();
    const body = JSON.stringify(gitlabPush('main', '0'.repeat(40), commit));
    const response = await fetch(`${base}/api/projects/shop/hooks/gitlab`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gitlab-event': 'Push Hook',
        'x-gitlab-event-uuid': crypto.randomUUID(),
        'x-gitlab-token': SECRET,
      },
      body,
    });
    expect(response.status).toBe(202);
    const final = await until(
      () => Promise.resolve(lastStates(forge.calls)),
      (states) =>
        states['slipway/ci'] === 'success succeeded' && states['slipway/lint'] === 'failed failed',
    );
    expect(final).toMatchObject({
      'slipway/ci': 'success succeeded',
      'slipway/lint': 'failed failed',
    });
    expect(forge.calls[0]?.path).toBe(`/projects/group/shop/statuses/${commit}`);
    expect(forge.calls[0]?.headers['private-token']).toBe(TOKEN);
  });
});
