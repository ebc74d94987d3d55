import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { SlipwayClient, type TriggerEventView } from '@slipway/api';
import type { RunRecord } from '@slipway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../testing/protocol-steps.js';
import {
  commitFiles,
  git,
  gitRepository,
  serverFixture,
  type ServerFixture,
} from '../testing/server-fixture.js';
import { deliverGitHub } from '../testing/signed-delivery.js';
import { startTestAgent } from '../testing/test-agent.js';
import { githubExample } from '../testing/webhook-samples.js';

const SECRET = 'whsec-5b2f9c1e7a3d4f60';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PIPELINE = `name: ci
on:
  push:
    branches: [main, 'feature/**']
    paths-ignore: ['docs/**']
  pull_request:
    types: [opened, synchronize]
tasks:
  show:
    results: [branch, title, commit]
    steps:
      - name: facts
        run: |
          printf '%s' "$SLIPWAY_BRANCH" > "$SLIPWAY_RESULTS/branch"
          printf '%s' "\${SLIPWAY_PR_TITLE:-none}" > "$SLIPWAY_RESULTS/title"
          printf '%s' "$SLIPWAY_COMMIT" > "$SLIPWAY_RESULTS/commit"
`;

interface Setup {
  readonly server: ServerFixture;
  readonly client: SlipwayClient;
  readonly base: string;
  readonly repo: string;
  readonly first: string;
}

async function setUp(options: { pipeline?: string; agent?: boolean } = {}): Promise<Setup> {
  const server = await serverFixture();
  cleanups.push(() => server.close());
  const repo = await gitRepository({ '.slipway.yml': options.pipeline ?? PIPELINE });
  cleanups.push(() => repo.remove());
  const base = await server.listen();
  const client = new SlipwayClient({ baseUrl: base, token: server.token });
  await client.createProject({ name: 'shop', source: repo.dir });
  if (options.agent === true) {
    cleanups.push(startTestAgent(server, base));
  }
  return { server, client, base, repo: repo.dir, first: repo.commit };
}

function deliver(
  base: string,
  event: string,
  payload: unknown,
  options: { secret?: string; delivery?: string; signature?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  return deliverGitHub(base, event, payload, { ...options, secret: options.secret ?? SECRET });
}

/** The real GitHub push example, rewritten to a push of `after` onto `branch` after `before`. */
function pushPayload(branch: string, before: string, after: string, changed: string[]) {
  const payload = githubExample('push', (p) => p.ref === 'refs/heads/master');
  const commits = payload.commits as Record<string, unknown>[];
  const head = { ...commits[0], id: after, added: [], removed: [], modified: changed };
  return {
    ...payload,
    ref: `refs/heads/${branch}`,
    before,
    after,
    created: false,
    commits: [head],
    head_commit: head,
  };
}

/** The real GitHub pull request example, rewritten to the repository's commit. */
function pullRequestPayload(options: {
  action: string;
  number: number;
  title: string;
  head: string;
  sha: string;
  fork: boolean;
}) {
  const payload = githubExample('pull_request', (p) => p.action === 'opened');
  const pr = payload.pull_request as Record<string, Record<string, unknown>>;
  const baseRepo = pr.base?.repo as Record<string, unknown>;
  const headRepo = options.fork
    ? { ...baseRepo, id: 999_001, full_name: 'someone/Hello-World', fork: true }
    : baseRepo;
  return {
    ...payload,
    action: options.action,
    number: options.number,
    pull_request: {
      ...pr,
      number: options.number,
      title: options.title,
      head: { ...pr.head, ref: options.head, sha: options.sha, repo: headRepo },
      base: { ...pr.base, ref: 'main' },
    },
  };
}

async function settledEvents(client: SlipwayClient, count: number): Promise<TriggerEventView[]> {
  const events = await until(
    async () => (await client.listTriggerEvents('shop')).events,
    (list) => list.length >= count && list.every((e) => e.status !== 'pending'),
  );
  expect(events.filter((e) => e.status !== 'pending')).toHaveLength(count);
  return events;
}

async function finishedRun(server: ServerFixture, runId: string): Promise<RunRecord> {
  const found = await until(
    () => server.store.getRun(runId),
    (r) => r !== null && r.finishedAt !== null,
  );
  if (found === null) throw new Error(`run ${runId} does not exist`);
  return found;
}

async function resultsOf(server: ServerFixture, runId: string) {
  const [task] = await server.store.listTasks(runId);
  return task?.results ?? {};
}

describe('GitHub webhooks, end to end', () => {
  it('a signed push creates a run on that commit, which finishes', async () => {
    const { server, client, base, repo, first } = await setUp({ agent: true });
    await client.putProjectWebhook('shop', { forge: 'github', secret: SECRET });
    const second = await commitFiles(repo, { 'src/app.ts': 'export {};\n' });

    const answer = await deliver(base, 'push', pushPayload('main', first, second, ['src/app.ts']));
    expect(answer).toMatchObject({ status: 202, body: { duplicate: false } });

    const [event] = await settledEvents(client, 1);
    expect(event).toMatchObject({ status: 'processed', kind: 'push', source: 'github' });
    expect(event?.outcome).toMatch(/^started ci run #1 at /);
    const runId = event?.runIds[0] ?? '';
    const done = await finishedRun(server, runId);
    expect(done).toMatchObject({
      status: 'succeeded',
      trusted: true,
      trigger: { event: 'push', branch: 'main', commit: second, actor: 'Codertocat' },
    });
    expect(await resultsOf(server, runId)).toEqual({
      branch: 'main',
      title: 'none',
      commit: second,
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /slipway_webhook_deliveries_total\{forge="github",result="accepted"\} 1/,
    );
    expect(metrics).toMatch(/slipway_triggers_fired_total\{event="push"\} 1/);
  });

  it('refuses missing, forged and stale signatures with 401, and stores a replay once', async () => {
    const { server, client, base, first } = await setUp();
    const payload = pushPayload('main', first, first, ['src/app.ts']);

    const unset = await deliver(base, 'push', payload);
    expect(unset.status).toBe(401);

    await client.putProjectWebhook('shop', { forge: 'github', secret: 'old-secret-0123456789' });
    const stale = await deliver(base, 'push', payload, { secret: 'old-secret-0123456789' });
    expect(stale.status).toBe(202);
    await client.putProjectWebhook('shop', { forge: 'github', secret: SECRET });
    const afterRotation = await deliver(base, 'push', payload, { secret: 'old-secret-0123456789' });
    expect(afterRotation.status).toBe(401);

    const forged = await deliver(base, 'push', payload, { secret: 'guess-guess-guess-guess' });
    expect(forged.status).toBe(401);
    const garbage = await deliver(base, 'push', payload, { signature: 'sha256=zz' });
    expect(garbage.status).toBe(401);
    const expected = await sign(SECRET, JSON.stringify(payload));
    for (const refused of [unset, afterRotation, forged, garbage]) {
      expect(JSON.stringify(refused.body)).not.toContain(expected.slice(7, 20));
      expect(JSON.stringify(refused.body)).not.toContain(SECRET);
    }

    const missing = await fetch(`${base}/api/projects/shop/hooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
      body: JSON.stringify(payload),
    });
    expect(missing.status).toBe(401);

    const once = await deliver(base, 'push', payload, { delivery: 'delivery-1' });
    const again = await deliver(base, 'push', payload, { delivery: 'delivery-1' });
    expect(once).toMatchObject({ status: 202, body: { duplicate: false } });
    expect(again).toMatchObject({ status: 202, body: { duplicate: true, event: once.body.event } });

    const events = await settledEvents(client, 2);
    expect(events.map((e) => e.deliveryId)).toContain('delivery-1');
    const runs = await server.store.listRuns({ limit: 10 });
    expect(runs).toHaveLength(2);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /slipway_webhook_rejections_total\{forge="github",reason="no_secret"\} 1/,
    );
    expect(metrics).toMatch(
      /slipway_webhook_rejections_total\{forge="github",reason="bad_signature"\} 4/,
    );
    expect(metrics).toMatch(
      /slipway_webhook_deliveries_total\{forge="github",result="duplicate"\} 1/,
    );
  });

  it('settles on arrival a delivery that starts nothing: a deleted branch, a star', async () => {
    const { server, client, base } = await setUp();
    await client.putProjectWebhook('shop', { forge: 'github', secret: SECRET });
    await server.triggers.stop();
    const deleted = githubExample('push', (p) => p.deleted === true);
    expect(await deliver(base, 'push', deleted)).toMatchObject({ status: 202 });
    expect(await deliver(base, 'star', githubExample('star'))).toMatchObject({ status: 202 });

    const { events } = await client.listTriggerEvents('shop');
    expect(events.map((e) => [e.kind, e.status, e.outcome])).toEqual([
      ['star', 'ignored', 'GitHub star events start no runs'],
      ['push', 'ignored', `${String(deleted.ref)} was deleted`],
    ]);
    expect(events.every((e) => e.processedAt !== null)).toBe(true);
    expect((await client.listTriggerEvents('shop', { before: events[0]?.id })).events).toEqual([
      events[1],
    ]);
    const unknown: unknown = await client
      .listTriggerEvents('shop', { before: 'evt_nope' })
      .catch((error: unknown) => error);
    expect(String(unknown)).toContain('project "shop" has no event "evt_nope"');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /slipway_trigger_events_processed_total\{[^}]*status="ignored"[^}]*\} 2/,
    );
  });

  it('answers malformed JSON 400 and a body over 1 MiB 413', async () => {
    const { client, base } = await setUp();
    await client.putProjectWebhook('shop', { forge: 'github', secret: SECRET });
    const body = '{"ref": ';
    const malformed = await fetch(`${base}/api/projects/shop/hooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'd-bad',
        'x-hub-signature-256': await sign(SECRET, body),
      },
      body,
    });
    expect(malformed.status).toBe(400);
    const large = await fetch(`${base}/api/projects/shop/hooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
      body: JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(large.status).toBe(413);
    expect((await client.listTriggerEvents('shop')).events).toEqual([]);
  });

  it('a pull request from a fork builds its head commit as an untrusted run', async () => {
    const { server, client, base, repo } = await setUp({ agent: true });
    await client.putProjectWebhook('shop', { forge: 'github', secret: SECRET });
    await git(repo, 'checkout', '--quiet', '-b', 'contrib');
    const head = await commitFiles(repo, { 'src/fix.ts': 'export const fix = 1;\n' });
    await git(repo, 'checkout', '--quiet', 'main');
    await git(repo, 'branch', '--quiet', '-D', 'contrib');
    await git(repo, 'update-ref', 'refs/pull/7/head', head);

    const payload = pullRequestPayload({
      action: 'opened',
      number: 7,
      title: 'Fix the thing',
      head: 'contrib',
      sha: head,
      fork: true,
    });
    expect((await deliver(base, 'pull_request', payload)).status).toBe(202);
    const [event] = await settledEvents(client, 1);
    expect(event?.status).toBe('processed');
    expect(event?.outcome).toContain('(untrusted: fork)');
    const done = await finishedRun(server, event?.runIds[0] ?? '');
    expect(done).toMatchObject({
      status: 'succeeded',
      trusted: false,
      trigger: { event: 'pull_request', pr: 7, branch: 'contrib', base: 'main', commit: head },
    });
  });

  it('records why a push the filters leave out was ignored', async () => {
    const { client, base, repo, first } = await setUp();
    await client.putProjectWebhook('shop', { forge: 'github', secret: SECRET });
    const docs = await commitFiles(repo, { 'docs/guide.md': '# Guide\n' });
    await deliver(base, 'push', pushPayload('develop', first, docs, ['docs/guide.md']));
    await deliver(base, 'push', pushPayload('main', first, docs, ['docs/guide.md']));
    await deliver(
      base,
      'pull_request',
      pullRequestPayload({
        action: 'closed',
        number: 3,
        title: 'Old',
        head: 'main',
        sha: docs,
        fork: false,
      }),
    );
    const events = await settledEvents(client, 3);
    expect(events.map((e) => [e.status, e.outcome])).toEqual([
      ['ignored', 'ci: pull request action closed is not in `on.pull_request.types`'],
      ['ignored', 'ci: every changed file matches `on.push.paths-ignore` [docs/**]'],
      ['ignored', 'ci: branch develop matches none of `on.push` [main, feature/**]'],
    ]);
    const ignored = await client.listTriggerEvents('shop', { status: 'ignored', limit: 2 });
    expect(ignored.events).toHaveLength(2);
    expect(ignored.nextBefore).toBe(ignored.events[1]?.id);
  });

  it('records from pull request events whether each pull request is open or closed', async () => {
    const { client, base, repo } = await setUp();
    await client.putProjectWebhook('shop', { forge: 'github', secret: SECRET });
    await git(repo, 'checkout', '--quiet', '-b', 'contrib');
    const head = await commitFiles(repo, { 'src/fix.ts': 'export const fix = 1;\n' });
    await git(repo, 'checkout', '--quiet', 'main');
    const event = (action: string, number: number) =>
      deliver(
        base,
        'pull_request',
        pullRequestPayload({
          action,
          number,
          title: 'Fix',
          head: 'contrib',
          sha: head,
          fork: false,
        }),
      );
    expect((await event('opened', 7)).status).toBe(202);
    expect((await event('opened', 8)).status).toBe(202);
    await settledEvents(client, 2);
    expect(
      (await client.listPullRequests('shop')).map((pr) => [pr.number, pr.state, pr.headCommit]),
    ).toEqual([
      [8, 'open', head],
      [7, 'open', head],
    ]);

    // Closing starts no run (the pipeline takes opened and synchronize), yet is recorded.
    await event('closed', 7);
    await event('labeled', 8);
    const events = await settledEvents(client, 4);
    expect(events.slice(0, 2).every((e) => e.runIds.length === 0)).toBe(true);
    expect((await client.listPullRequests('shop')).map((pr) => [pr.number, pr.state])).toEqual([
      [8, 'open'],
      [7, 'closed'],
    ]);
    expect((await client.getPullRequestStatus('shop', 7)).state).toBe('closed');

    await event('reopened', 7);
    await settledEvents(client, 5);
    expect((await client.getPullRequestStatus('shop', 7)).state).toBe('open');

    const viewer = await client.createToken({ name: 'v', user: 'vi' });
    await client.setRole('shop', 'vi', 'viewer');
    const asViewer = new SlipwayClient({ baseUrl: base, token: viewer.token });
    expect(await asViewer.listPullRequests('shop')).toHaveLength(2);
    const stranger = await client.createToken({ name: 's', user: 'st' });
    await expect(
      new SlipwayClient({ baseUrl: base, token: stranger.token }).listPullRequests('shop'),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('gives branch names and pull request titles to steps only as environment variables', async () => {
    const { server, client, base, repo, first } = await setUp({ agent: true });
    await client.putProjectWebhook('shop', { forge: 'github', secret: SECRET });
    const marker = await mkdtemp(join(tmpdir(), 'slipway-pwned-'));
    cleanups.push(() => rm(marker, { recursive: true, force: true }));
    const head = await commitFiles(repo, { 'src/x.ts': 'export {};\n' });
    const branch = `feature/$(touch ${marker}/branch)\`touch ${marker}/tick\``;
    const title = `$(touch ${marker}/title) \`touch ${marker}/title-tick\` "; touch ${marker}/semi`;

    await deliver(base, 'push', pushPayload(branch, first, head, ['src/x.ts']));
    await deliver(
      base,
      'pull_request',
      pullRequestPayload({
        action: 'opened',
        number: 9,
        title,
        head: branch,
        sha: head,
        fork: false,
      }),
    );
    const events = await settledEvents(client, 2);
    for (const event of events) {
      expect(event.status).toBe('processed');
      const runId = event.runIds[0] ?? '';
      expect((await finishedRun(server, runId)).status).toBe('succeeded');
      const results = await resultsOf(server, runId);
      expect(results.branch).toBe(branch);
      if (event.kind === 'pull_request') expect(results.title).toBe(title);
    }
    for (const name of ['branch', 'tick', 'title', 'title-tick', 'semi']) {
      expect(existsSync(join(marker, name)), name).toBe(false);
    }
  });

  it('a newer push to a pull request cancels the run it supersedes', async () => {
    const pipeline = `name: ci
concurrency:
  group: pr-\${{ trigger.pr }}
  cancel-in-progress: true
tasks:
  test:
    steps:
      - run: sleep 60
`;
    const { server, client, base, repo } = await setUp({ pipeline });
    await client.putProjectWebhook('shop', { forge: 'github', secret: SECRET });
    const one = await commitFiles(repo, { 'a.txt': '1\n' });
    const two = await commitFiles(repo, { 'a.txt': '2\n' });
    const opened = { action: 'opened', number: 4, title: 'T', head: 'main', fork: false };
    await deliver(base, 'pull_request', pullRequestPayload({ ...opened, sha: one }));
    const [first] = await settledEvents(client, 1);
    await deliver(
      base,
      'pull_request',
      pullRequestPayload({ ...opened, action: 'synchronize', sha: two }),
    );
    const events = await settledEvents(client, 2);
    const superseded = await finishedRun(server, first?.runIds[0] ?? '');
    expect(superseded.status).toBe('cancelled');
    const newer = await server.store.getRun(events[0]?.runIds[0] ?? '');
    expect(newer?.plan.concurrency?.group).toBe('pr-4');
    expect(newer?.finishedAt).toBeNull();
  });
});
