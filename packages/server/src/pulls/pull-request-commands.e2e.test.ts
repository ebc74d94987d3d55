import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SlipwayClient, type TriggerEventView } from '@slipway/api';
import type { RunRecord } from '@slipway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startForgeStandIn, type ForgeStandIn } from '../testing/forge-stand-in.js';
import { until as untilDone } from '../testing/protocol-steps.js';
import { gitRepository, serverFixture, type ServerFixture } from '../testing/server-fixture.js';
import { deliverGitHub } from '../testing/signed-delivery.js';
import { startTestAgent } from '../testing/test-agent.js';
import { githubExample } from '../testing/webhook-samples.js';

const SECRET = 'whsec-9a1f3c5e7b2d4f68';
const TOKEN = 'ghp-commands-token';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PIPELINES = {
  '.slipway/ci.yml': `name: ci
on:
  pull_request: {}
tasks:
  show:
    results: [title]
    steps:
      - run: printf '%s' "$SLIPWAY_PR_TITLE" > "$SLIPWAY_RESULTS/title"
`,
  '.slipway/lint.yml': `name: lint
on:
  pull_request: {}
tasks:
  lint:
    steps:
      - run: exit 1
`,
};

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

async function setUp(title: string, fork: boolean): Promise<Setup> {
  const server = await serverFixture({ forgeAllowPrivateUrls: true });
  cleanups.push(() => server.close());
  const repo = await gitRepository(PIPELINES);
  cleanups.push(() => repo.remove());
  const forge = await startForgeStandIn('github', TOKEN, 'octo/shop');
  cleanups.push(() => forge.close());
  forge.pullRequests.set(7, {
    number: 7,
    title,
    headCommit: repo.commit,
    headBranch: 'feature/cart',
    baseBranch: 'main',
    fork,
  });
  const base = await server.listen();
  const client = new SlipwayClient({ baseUrl: base, token: server.token });
  await client.createProject({ name: 'shop', source: repo.dir });
  await client.putProjectWebhook('shop', { forge: 'github', secret: SECRET });
  await client.putProjectForge('shop', {
    apiUrl: forge.apiUrl,
    repository: 'octo/shop',
    token: TOKEN,
    users: { Codertocat: 'alice', viewer1: 'victor' },
  });
  await client.setRole('shop', 'alice', 'developer');
  await client.setRole('shop', 'victor', 'viewer');

  cleanups.push(startTestAgent(server, base));
  return { server, client, base, commit: repo.commit, forge };
}

async function deliver(base: string, event: string, payload: unknown): Promise<void> {
  expect((await deliverGitHub(base, event, payload, { secret: SECRET })).status).toBe(202);
}

/** The real GitHub pull request example, opened for #7 at `sha`. */
function pullRequestOpened(sha: string, title: string, fork: boolean) {
  const payload = githubExample('pull_request', (p) => p.action === 'opened');
  const pr = payload.pull_request as Record<string, Record<string, unknown>>;
  const baseRepo = pr.base?.repo as Record<string, unknown>;
  const headRepo = fork ? { ...baseRepo, id: 999_001, full_name: 'someone/shop' } : baseRepo;
  return {
    ...payload,
    action: 'opened',
    number: 7,
    pull_request: {
      ...pr,
      number: 7,
      title,
      head: { ...pr.head, ref: 'feature/cart', sha, repo: headRepo },
      base: { ...pr.base, ref: 'main' },
    },
  };
}

/** The real GitHub issue_comment example, as a new comment on pull request #7. */
function comment(body: string, login = 'Codertocat') {
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
    comment: { ...original, body, user: { ...(original.user as object), login } },
  };
}

async function settled(client: SlipwayClient, count: number): Promise<TriggerEventView[]> {
  return until(
    async () => (await client.listTriggerEvents('shop', { limit: 100 })).events,
    (list) => list.length >= count && list.every((e) => e.status !== 'pending'),
  );
}

async function finishedRuns(server: ServerFixture, count: number): Promise<RunRecord[]> {
  return until(
    () => server.store.listRuns({ limit: 50 }),
    (runs) => runs.length >= count && runs.every((run) => run.finishedAt !== null),
  );
}

function replies(forge: ForgeStandIn): string[] {
  return forge.calls
    .filter((call) => call.path === '/repos/octo/shop/issues/7/comments')
    .map((call) => (call.body as { body: string }).body);
}

describe('pull request commands, end to end', () => {
  it('retests failed pipelines, records labels, answers each comment and refuses strangers', async () => {
    const { server, client, base, commit, forge } = await setUp('Add a cart', false);
    await deliver(base, 'pull_request', pullRequestOpened(commit, 'Add a cart', false));
    const first = await finishedRuns(server, 2);
    expect(first.map((run) => [run.pipeline, run.status]).sort()).toEqual([
      ['ci', 'succeeded'],
      ['lint', 'failed'],
    ]);

    await deliver(base, 'issue_comment', comment('Flaky, again please.\n/retest'));
    const runs = await finishedRuns(server, 3);
    expect(runs[0]).toMatchObject({
      pipeline: 'lint',
      number: 3,
      trigger: { pr: 7, actor: 'alice' },
    });
    await until(
      () => Promise.resolve(replies(forge)),
      (list) => list.length === 1,
    );
    expect(replies(forge)[0]).toBe('Slipway:\n- retest: started lint run #3');

    await deliver(base, 'issue_comment', comment('/approve\n/lgtm\n/hold'));
    await deliver(base, 'issue_comment', comment('/hold cancel\n/deploy staging'));
    await deliver(base, 'issue_comment', comment('/approve', 'viewer1'));
    await deliver(base, 'issue_comment', comment('/retest', 'mallory'));
    await deliver(base, 'issue_comment', comment('Thanks! See /retest in the docs.'));
    await settled(client, 8);
    await until(
      () => Promise.resolve(replies(forge)),
      (list) => list.length === 5,
    );
    expect(replies(forge).slice(1)).toEqual([
      'Slipway:\n- approved: recorded (by alice)\n- lgtm: recorded (by alice)\n- held: recorded (by alice)',
      'Slipway:\n- held: removed\n- deploy: no environments are configured yet, so there is nothing to deploy to that environment',
      'Slipway: refused. @viewer1 (victor) needs the developer role on project shop.',
      'Slipway: refused. @mallory is not mapped to a Slipway user of this project; a project admin can map it with `slipway project forge --user LOGIN=USER`.',
    ]);
    expect(await server.store.listRuns({ limit: 50 })).toHaveLength(3);

    const status = await client.getPullRequestStatus('shop', 7);
    expect(status).toMatchObject({
      number: 7,
      headCommit: commit,
      labels: { approved: ['alice'], held: [], lgtm: ['alice'] },
      waitingForOkToTest: false,
    });
    expect(status.checks.map((c) => [c.context, c.state]).sort()).toEqual([
      ['slipway/ci', 'success'],
      ['slipway/lint', 'failure'],
    ]);
  }, 120_000);

  it("holds a fork's runs until /ok-to-test from a member, then runs them without secrets", async () => {
    const { server, client, base, commit, forge } = await setUp('From a fork', true);
    await deliver(base, 'pull_request', pullRequestOpened(commit, 'From a fork', true));
    const [held] = await settled(client, 1);
    expect(held).toMatchObject({ status: 'ignored', runIds: [] });
    expect(held?.outcome).toContain('wait for /ok-to-test');
    expect(await server.store.listRuns({ limit: 10 })).toEqual([]);
    expect((await client.getPullRequestStatus('shop', 7)).waitingForOkToTest).toBe(true);
    expect(replies(forge)[0]).toContain('wait until a project member comments `/ok-to-test`');

    await deliver(base, 'issue_comment', comment('/ok-to-test', 'mallory'));
    await deliver(base, 'issue_comment', comment('/ok-to-test'));
    const runs = await finishedRuns(server, 2);
    expect(runs.map((run) => [run.pipeline, run.trusted]).sort()).toEqual([
      ['ci', false],
      ['lint', false],
    ]);
    expect((await client.getPullRequestStatus('shop', 7)).waitingForOkToTest).toBe(false);
  });

  it('takes commands from a login whose user has the developer role through a group, until they leave it', async () => {
    const { client, base, forge } = await setUp('Add a cart', false);
    await client.putProjectForge('shop', {
      apiUrl: forge.apiUrl,
      repository: 'octo/shop',
      token: TOKEN,
      users: { Codertocat: 'alice', octoreviewer: 'rita' },
    });
    await client.setRole('shop', 'group:reviewers', 'developer');
    await client.addGroupMember('reviewers', 'rita');
    await deliver(base, 'issue_comment', comment('/lgtm', 'octoreviewer'));
    await settled(client, 1);
    await client.removeGroupMember('reviewers', 'rita');
    await deliver(base, 'issue_comment', comment('/hold', 'octoreviewer'));
    await settled(client, 2);
    await until(
      () => Promise.resolve(replies(forge)),
      (list) => list.length === 2,
    );
    expect(replies(forge)).toEqual([
      'Slipway:\n- lgtm: recorded (by rita)',
      'Slipway: refused. @octoreviewer (rita) needs the developer role on project shop.',
    ]);
    expect((await client.getPullRequestStatus('shop', 7)).labels).toEqual({
      approved: [],
      held: [],
      lgtm: ['rita'],
    });
  });

  it('gives comment and title text to steps only as environment variables', async () => {
    const marker = join(tmpdir(), `slipway-pwned-${process.pid}-${Date.now()}`);
    const title = `Fix $(touch ${marker}) and \`touch ${marker}\``;
    const { server, client, base, forge } = await setUp(title, false);
    await deliver(
      base,
      'issue_comment',
      comment(`/test ci $(touch ${marker}) \`touch ${marker}\`\n$(touch ${marker})`),
    );
    const [run] = await finishedRuns(server, 1);
    expect(run).toMatchObject({ pipeline: 'ci', status: 'succeeded', trigger: { title } });
    const [task] = await server.store.listTasks(run?.id ?? '');
    expect(task?.results).toEqual({ title });
    expect(existsSync(marker)).toBe(false);
    await settled(client, 1);
    expect(replies(forge)).toEqual(['Slipway:\n- test: started ci run #1']);
  });
});
