import { createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { SlipwayClient } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../testing/protocol-steps.js';
import { gitRepository, serverFixture, TWO_TASKS } from '../testing/server-fixture.js';
import {
  giteaPullRequest,
  giteaPush,
  githubExample,
  gitlabMergeRequest,
  gitlabPush,
} from '../testing/webhook-samples.js';
import { normalizeEvent } from './normalize-event.js';
import { verifySignature } from './verify-signature.js';

const SECRET = 'forge-secret-0123456789';
const SHA = 'a'.repeat(40);
const BEFORE = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const hmac = (body: string, secret = SECRET) =>
  createHmac('sha256', secret).update(body).digest('hex');

describe('verifySignature', () => {
  const body = '{"ref":"refs/heads/main"}';

  it('checks GitHub X-Hub-Signature-256', async () => {
    const good = await sign(SECRET, body);
    expect(await verifySignature('github', SECRET, body, { 'x-hub-signature-256': good })).toBe(
      true,
    );
    expect(
      await verifySignature('github', SECRET, `${body} `, { 'x-hub-signature-256': good }),
    ).toBe(false);
    expect(await verifySignature('github', SECRET, body, {})).toBe(false);
    expect(
      await verifySignature('github', SECRET, body, { 'x-hub-signature-256': 'sha1=abc' }),
    ).toBe(false);
  });

  it('checks the GitLab token, Gitea and generic HMACs', async () => {
    expect(await verifySignature('gitlab', SECRET, body, { 'x-gitlab-token': SECRET })).toBe(true);
    expect(await verifySignature('gitlab', SECRET, body, { 'x-gitlab-token': `${SECRET}x` })).toBe(
      false,
    );
    expect(await verifySignature('gitlab', SECRET, body, { 'x-gitlab-token': ['a', 'b'] })).toBe(
      false,
    );
    expect(await verifySignature('gitea', SECRET, body, { 'x-gitea-signature': hmac(body) })).toBe(
      true,
    );
    expect(
      await verifySignature('gitea', SECRET, body, { 'x-gitea-signature': hmac(body, 'other') }),
    ).toBe(false);
    expect(
      await verifySignature('generic', SECRET, body, {
        'x-slipway-signature': `sha256=${hmac(body)}`,
      }),
    ).toBe(true);
    expect(
      await verifySignature('generic', SECRET, body, { 'x-slipway-signature': hmac(body) }),
    ).toBe(false);
  });
});

describe('normalizeEvent', () => {
  it('reads every real GitHub push example', () => {
    const push = githubExample('push', (p) => p.ref === 'refs/heads/master');
    const result = normalizeEvent('github', 'push', push);
    expect(result).toMatchObject({
      trigger: {
        candidate: { kind: 'push', branch: 'master', changedPaths: null },
        facts: { event: 'push', branch: 'master', message: 'Initial commit' },
        untrusted: false,
      },
    });
    const tag = normalizeEvent(
      'github',
      'push',
      githubExample('push', (p) => p.ref === 'refs/tags/simple-tag' && p.deleted === false),
    );
    expect(tag).toMatchObject({
      trigger: { candidate: { kind: 'tag', tag: 'simple-tag' }, facts: { tag: 'simple-tag' } },
    });
    const deleted = githubExample('push', (p) => p.deleted === true);
    expect(normalizeEvent('github', 'push', deleted)).toEqual({
      ignored: `${String(deleted.ref)} was deleted`,
    });
  });

  it('reads real GitHub pull request examples, and ignores other events with a reason', () => {
    const opened = githubExample('pull_request', (p) => p.action === 'opened');
    expect(normalizeEvent('github', 'pull_request', opened)).toMatchObject({
      trigger: {
        candidate: {
          kind: 'pull_request',
          action: 'opened',
          branch: 'changes',
          baseBranch: 'master',
        },
        facts: { pr: 2, title: 'Update the README with new information.', base: 'master' },
        untrusted: false,
      },
    });
    const labeled = githubExample('pull_request', (p) => p.action === 'labeled');
    expect(normalizeEvent('github', 'pull_request', labeled)).toMatchObject({
      trigger: { candidate: { action: 'labeled' } },
    });
    expect(normalizeEvent('github', 'ping', githubExample('ping'))).toEqual({
      ignored: 'ping: the webhook reaches Slipway',
    });
    expect(normalizeEvent('github', 'issue_comment', githubExample('issue_comment'))).toEqual({
      ignored: 'comments on issues start nothing',
    });
    expect(normalizeEvent('github', 'release', githubExample('release'))).toMatchObject({
      ignored: expect.stringContaining('tag push') as string,
    });
    expect(normalizeEvent('github', 'push', { ref: 1 })).toMatchObject({
      ignored: expect.stringMatching(/^the push payload is not as expected \(ref: /) as string,
    });
  });

  it('reads GitLab push and merge request hooks', () => {
    expect(normalizeEvent('gitlab', 'Push Hook', gitlabPush('main', BEFORE, SHA))).toMatchObject({
      trigger: {
        candidate: {
          kind: 'push',
          branch: 'main',
          changedPaths: ['CHANGELOG', 'app/controller/application.rb'],
        },
        facts: { commit: SHA, actor: 'jsmith' },
      },
    });
    expect(normalizeEvent('gitlab', 'Push Hook', gitlabPush('main', BEFORE, ZERO))).toEqual({
      ignored: 'refs/heads/main was deleted',
    });
    const update = gitlabMergeRequest({
      action: 'update',
      iid: 5,
      title: 'MS-Viewport',
      source: 'ms-viewport',
      target: 'main',
      commit: SHA,
      fork: true,
      oldrev: BEFORE,
    });
    expect(normalizeEvent('gitlab', 'Merge Request Hook', update)).toMatchObject({
      trigger: {
        candidate: { kind: 'pull_request', action: 'synchronize', baseBranch: 'main' },
        facts: { pr: 5, title: 'MS-Viewport', branch: 'ms-viewport', commit: SHA },
        untrusted: true,
      },
    });
    const edited = gitlabMergeRequest({
      action: 'update',
      iid: 5,
      title: 'T',
      source: 's',
      target: 'main',
      commit: SHA,
      fork: false,
    });
    expect(normalizeEvent('gitlab', 'Merge Request Hook', edited)).toMatchObject({
      trigger: { candidate: { action: 'edited' }, untrusted: false },
    });
    expect(normalizeEvent('gitlab', 'Note Hook', {})).toMatchObject({
      ignored: expect.stringMatching(/^the Note Hook payload is not as expected/) as string,
    });
  });

  it('reads Gitea push and pull request events', () => {
    expect(normalizeEvent('gitea', 'push', giteaPush('dev', BEFORE, SHA))).toMatchObject({
      trigger: {
        candidate: { kind: 'push', branch: 'dev', changedPaths: ['src/new.ts'] },
        facts: { commit: SHA, actor: 'gitea', message: 'Webhooks Yay!' },
      },
    });
    const sync = giteaPullRequest({
      action: 'synchronized',
      number: 12,
      title: 'Add webhooks',
      head: 'feature',
      base: 'main',
      commit: SHA,
      fork: false,
    });
    expect(normalizeEvent('gitea', 'pull_request', sync)).toMatchObject({
      trigger: {
        candidate: { action: 'synchronize', branch: 'feature', baseBranch: 'main' },
        facts: { pr: 12, title: 'Add webhooks' },
        untrusted: false,
      },
    });
    const fork = structuredClone({ ...sync, action: 'opened' }) as unknown as {
      pull_request: { head: { repo_id: number } };
    };
    fork.pull_request.head.repo_id = 99;
    expect(normalizeEvent('gitea', 'pull_request', fork)).toMatchObject({
      trigger: { untrusted: true, candidate: { action: 'opened' } },
    });
  });

  it('reads the generic format', () => {
    expect(
      normalizeEvent('generic', 'push', { branch: 'main', commit: SHA, changedPaths: ['a'] }),
    ).toMatchObject({ trigger: { candidate: { kind: 'push', changedPaths: ['a'] } } });
    expect(normalizeEvent('generic', 'push', { commit: SHA })).toMatchObject({
      ignored: expect.stringContaining('give exactly one of branch and tag') as string,
    });
  });
});

describe('GitLab, Gitea and generic webhooks', () => {
  async function setUp() {
    const server = await serverFixture({}, { startScheduler: false });
    cleanups.push(() => server.close());
    const repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
    cleanups.push(() => repo.remove());
    const baseUrl = await server.listen();
    const client = new SlipwayClient({ baseUrl, token: server.token });
    await client.createProject({ name: 'shop', source: repo.dir });
    return { server, client, baseUrl, commit: repo.commit };
  }

  it('each forge is verified its own way, stored, and handled into a run', async () => {
    const { server, client, commit } = await setUp();
    const post = (forge: string, headers: Record<string, string>, body: string) =>
      server.app.inject({
        method: 'POST',
        url: `/api/projects/shop/hooks/${forge}`,
        headers: { 'content-type': 'application/json', ...headers },
        payload: body,
      });

    await client.putProjectWebhook('shop', { forge: 'gitlab', secret: SECRET });
    const gitlab = JSON.stringify(gitlabPush('main', ZERO, commit));
    const glHeaders = { 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': 'gl-1' };
    expect(
      (await post('gitlab', { ...glHeaders, 'x-gitlab-token': 'wrong' }, gitlab)).statusCode,
    ).toBe(401);
    expect(
      (await post('github', { ...glHeaders, 'x-gitlab-token': SECRET }, gitlab)).statusCode,
    ).toBe(401);
    expect(
      (await post('gitlab', { ...glHeaders, 'x-gitlab-token': SECRET }, gitlab)).statusCode,
    ).toBe(202);

    await client.putProjectWebhook('shop', { forge: 'gitea', secret: SECRET });
    const gitea = JSON.stringify(giteaPush('main', ZERO, commit));
    const gtHeaders = { 'x-gitea-event': 'push', 'x-gitea-delivery': 'gt-1' };
    expect(
      (await post('gitea', { ...gtHeaders, 'x-gitea-signature': hmac(gitea, 'x') }, gitea))
        .statusCode,
    ).toBe(401);
    expect(
      (await post('gitea', { ...gtHeaders, 'x-gitea-signature': hmac(gitea) }, gitea)).statusCode,
    ).toBe(202);
    const noDelivery = await post(
      'gitea',
      { 'x-gitea-event': 'push', 'x-gitea-signature': hmac(gitea) },
      gitea,
    );
    expect(noDelivery.statusCode).toBe(400);
    expect(noDelivery.body).toContain('x-gitea-delivery');

    await client.putProjectWebhook('shop', { forge: 'generic', secret: SECRET });
    const generic = JSON.stringify({ branch: 'main', commit, actor: 'release-bot' });
    const gnHeaders = {
      'x-slipway-event': 'push',
      'x-slipway-delivery': 'gn-1',
      'x-slipway-signature': `sha256=${hmac(generic)}`,
    };
    expect((await post('generic', gnHeaders, generic)).statusCode).toBe(202);
    expect(await client.getProjectWebhook('shop')).toEqual({
      forge: 'generic',
      path: '/api/projects/shop/hooks/generic',
      updatedAt: expect.any(Number) as number,
    });

    expect(await server.triggers.drain()).toBe(3);
    const events = await until(
      async () => (await client.listTriggerEvents('shop')).events,
      (list) => list.every((e) => e.status !== 'pending'),
    );
    expect(events.map((e) => [e.source, e.status])).toEqual([
      ['generic', 'processed'],
      ['gitea', 'processed'],
      ['gitlab', 'processed'],
    ]);
    const runs = await server.store.listRuns({ limit: 10 });
    expect(runs.map((r) => r.trigger.actor).sort()).toEqual(['gitea', 'jsmith', 'release-bot']);
  });

  it('only project admins set webhooks, and the secret is never answered', async () => {
    const { server, client, baseUrl } = await setUp();
    const { token } = await client.createToken({ name: 'dev', user: 'dev' });
    await client.setRole('shop', 'dev', 'developer');
    const dev = new SlipwayClient({ baseUrl, token });
    await expect(
      dev.putProjectWebhook('shop', { forge: 'github', secret: SECRET }),
    ).rejects.toMatchObject({ status: 403 });
    expect((await dev.listTriggerEvents('shop')).events).toEqual([]);
    const put = await server.app.inject({
      method: 'PUT',
      url: '/api/projects/shop/webhook',
      headers: { authorization: `Bearer ${server.token}` },
      payload: { forge: 'github', secret: SECRET },
    });
    expect(put.statusCode).toBe(200);
    expect(put.body).not.toContain(SECRET);
    const stored = await server.store.findProjectWebhook((await client.getProject('shop')).id);
    expect(stored?.sealedSecret).not.toContain(SECRET);
    const short = await server.app.inject({
      method: 'PUT',
      url: '/api/projects/shop/webhook',
      headers: { authorization: `Bearer ${server.token}` },
      payload: { forge: 'github', secret: 'short' },
    });
    expect(short.statusCode).toBe(400);
  });
});
