import { isApiError, SlipwayClient, type RunDetail } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../testing/protocol-steps.js';
import { gitRepository, serverFixture } from '../testing/server-fixture.js';
import { slackHeaders, startSlackStandIn, type SlackStandIn } from '../testing/slack-stand-in.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const ALICE = 'U0ALICE1';
const BOB = 'U0BOB22';
const CAROL = 'U0CAROL3';

/** A run that waits for an approval at once (no agent needed), then deploys. */
const RELEASE = `name: release
tasks:
  approve:
    approval:
      message: Ship it?
  deploy:
    needs: approve
    steps: [echo deploying]
`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  readonly url: string;
  readonly admin: SlipwayClient;
  readonly slack: SlackStandIn;
  /** Moves the server's clock. */
  readonly shift: (ms: number) => void;
  /** The server's clock, in epoch seconds. */
  readonly seconds: () => number;
  /** Posts a form body to a Slack route with the given headers. */
  readonly post: (path: string, body: string, headers: Record<string, string>) => Promise<Response>;
  /** Posts a form body signed as Slack would, now. */
  readonly signed: (path: string, body: string) => Promise<Response>;
}

async function setUp(configure = true): Promise<Setup> {
  const slack = await startSlackStandIn();
  cleanups.push(() => slack.close());
  let offset = 0;
  const now = () => Date.now() + offset;
  const server = await serverFixture({ slackHooksOrigin: slack.origin }, { now });
  cleanups.push(() => server.close());
  const repo = await gitRepository({ '.slipway.yml': RELEASE });
  cleanups.push(() => repo.remove());
  const url = await server.listen();
  const admin = new SlipwayClient({ baseUrl: url, token: server.token });
  await admin.createProject({ name: 'shop', source: repo.dir });
  if (configure) {
    await admin.putSlackSettings(SECRET);
    await admin.putSlackUser(ALICE, 'alice');
    await admin.setRole('shop', 'alice', 'developer');
  }
  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${url}${path}`, { method: 'POST', headers, body });
  const seconds = () => now() / 1000;
  return {
    url,
    admin,
    slack,
    shift: (ms) => {
      offset += ms;
    },
    seconds,
    post,
    signed: (path, body) => post(path, body, slackHeaders(SECRET, body, seconds())),
  };
}

function command(user: string, text: string, responseUrl: string): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    user_id: user,
    user_name: 'someone',
    command: '/slipway',
    text,
    response_url: responseUrl,
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
  }).toString();
}

const COMMANDS = '/api/chat/slack/commands';
const INTERACTIONS = '/api/chat/slack/interactions';

function waitingRun(client: SlipwayClient, runId: string): Promise<RunDetail> {
  return until(
    () => client.getRun(runId),
    (d) => d.run.status === 'waiting',
  );
}

async function metric(url: string, line: string): Promise<string | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').find((l) => l.startsWith(line));
}

describe('Slack slash commands', () => {
  it('refuses every request while no signing secret is set (fail closed)', async () => {
    const { signed } = await setUp(false);
    const answer = await signed(COMMANDS, command(ALICE, 'help', 'http://x/'));
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({
      error: {
        code: 'unauthorized',
        message: 'the request is not signed by the Slack app Slipway is set up with',
      },
    });
  });

  it('answers help at once, and refuses a wrong signature, a stale timestamp and a replay alike', async () => {
    const { url, post, seconds, slack } = await setUp();
    const body = command(ALICE, 'help', `${slack.origin}/commands/1`);
    const sentAt = seconds();
    const signedAt = (text: string) => slackHeaders(SECRET, text, sentAt);

    const good = await post(COMMANDS, body, signedAt(body));
    expect(good.status).toBe(200);
    const ack = (await good.json()) as { response_type: string; text: string };
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain('/slipway status PROJECT');
    expect(ack.text).toContain('/slipway approve RUN [TASK]');

    const wrong = await post(COMMANDS, body, slackHeaders('another secret', body, seconds()));
    const stale = await post(COMMANDS, body, slackHeaders(SECRET, body, seconds() - 6 * 60));
    // The same request again, even within the window, is a replay.
    const replay = await post(COMMANDS, body, signedAt(body));
    const other = command(ALICE, 'help', `${slack.origin}/commands/2`);
    const headers = slackHeaders(SECRET, other, seconds());
    const first = await post(COMMANDS, other, headers);
    const tampered = await post(COMMANDS, `${other}x`, headers);
    expect([wrong.status, stale.status, first.status, replay.status, tampered.status]).toEqual([
      401, 401, 200, 401, 401,
    ]);
    const refusals = await Promise.all([wrong.json(), stale.json(), replay.json()]);
    expect(new Set(refusals.map((r) => JSON.stringify(r))).size).toBe(1);

    expect(await metric(url, 'slipway_slack_rejections_total{reason="bad_signature"}')).toMatch(
      / 2$/,
    );
    expect(await metric(url, 'slipway_slack_rejections_total{reason="stale"}')).toMatch(/ 1$/);
    expect(await metric(url, 'slipway_slack_rejections_total{reason="replay"}')).toMatch(/ 1$/);
    expect(await metric(url, 'slipway_slack_ack_seconds_count{kind="command"}')).toMatch(/ 2$/);
    expect(slack.posts).toEqual([]);
  });

  it('refuses a timestamp from the future as it does one from the past', async () => {
    const { post, seconds } = await setUp();
    const body = command(ALICE, 'help', 'http://x/');
    const ahead = await post(COMMANDS, body, slackHeaders(SECRET, body, seconds() + 6 * 60));
    expect(ahead.status).toBe(401);
  });

  it('goes by the server clock: a request signed 4 minutes ago is taken, 6 minutes ago is not', async () => {
    const { post, seconds, shift } = await setUp();
    const body = command(ALICE, 'help', 'http://x/');
    const headers = slackHeaders(SECRET, body, seconds());
    shift(4 * 60_000);
    expect((await post(COMMANDS, body, headers)).status).toBe(200);
    const later = slackHeaders(SECRET, `${body}&n=2`, seconds() - 4 * 60);
    shift(2 * 60_000);
    expect((await post(COMMANDS, `${body}&n=2`, later)).status).toBe(401);
  });

  it('tells an unmapped Slack user how to get mapped, through response_url', async () => {
    const { signed, slack } = await setUp();
    const answer = await signed(COMMANDS, command(BOB, 'status shop', `${slack.origin}/r/bob`));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      response_type: 'ephemeral',
      text: 'Slipway: working on /slipway status shop',
    });
    const [reply] = await slack.postsTo('/r/bob');
    expect(reply?.body).toEqual({
      response_type: 'ephemeral',
      text: `Slipway: refused. Your Slack user ${BOB} is not mapped to a Slipway user: ask a Slipway admin to run \`slipway chat slack map ${BOB} --user NAME\`.`,
    });
  });

  it('shows the status of a project and approves a waiting task as the mapped user', async () => {
    const { admin, signed, slack } = await setUp();
    const run = await admin.createRun('shop');
    await waitingRun(admin, run.id);

    await signed(COMMANDS, command(ALICE, 'status shop', `${slack.origin}/r/1`));
    const [status] = await slack.postsTo('/r/1');
    const text = String(status?.body.text);
    expect(text).toContain(`release run #1: waiting (\`${run.id}\`)`);
    expect(text).toContain(`awaits approval of "approve": \`/slipway approve ${run.id} approve\``);

    await signed(COMMANDS, command(ALICE, `approve ${run.id}`, `${slack.origin}/r/2`));
    const [approved] = await slack.postsTo('/r/2');
    expect(approved?.body.text).toBe(
      'Slipway: task "approve" of release run #1 approved by alice.',
    );
    const detail = await admin.getRun(run.id);
    expect(detail.tasks.find((t) => t.taskId === 'approve')).toMatchObject({
      status: 'succeeded',
      approval: { decision: { decision: 'approve', by: 'alice', comment: 'via Slack' } },
    });

    await signed(COMMANDS, command(ALICE, `reject ${run.id} approve`, `${slack.origin}/r/3`));
    const [again] = await slack.postsTo('/r/3');
    expect(again?.body.text).toBe(
      `Slipway: task "approve" of run ${run.id} was already approved by alice; a decision cannot be changed.`,
    );
  });

  it('refuses a viewer approving, and a project the user may not see', async () => {
    const { admin, signed, slack } = await setUp();
    await admin.putSlackUser(BOB, 'bob');
    await admin.setRole('shop', 'bob', 'viewer');
    const run = await admin.createRun('shop');
    await waitingRun(admin, run.id);
    await signed(COMMANDS, command(BOB, `approve ${run.id}`, `${slack.origin}/r/1`));
    const [refused] = await slack.postsTo('/r/1');
    expect(refused?.body.text).toBe(
      `Slipway: bob needs the developer role in the project of run ${run.id} to decide its approvals.`,
    );
    await admin.deleteSlackUser(BOB);
    await admin.putSlackUser(BOB, 'olga');
    await signed(COMMANDS, command(BOB, 'status shop', `${slack.origin}/r/2`));
    const [hidden] = await slack.postsTo('/r/2');
    expect(hidden?.body.text).toBe('Slipway: there is no project "shop" that olga may see.');
    expect((await admin.getRun(run.id)).run.status).toBe('waiting');
  });

  it("approves through the role of the mapped user's group, and refuses once they leave it", async () => {
    const { admin, signed, slack } = await setUp();
    await admin.putSlackUser(CAROL, 'carol');
    await admin.setRole('shop', 'group:platform-team', 'developer');
    await admin.addGroupMember('platform-team', 'carol');
    const first = await admin.createRun('shop');
    await waitingRun(admin, first.id);
    await signed(COMMANDS, command(CAROL, `approve ${first.id}`, `${slack.origin}/r/1`));
    const [approved] = await slack.postsTo('/r/1');
    expect(approved?.body.text).toBe(
      'Slipway: task "approve" of release run #1 approved by carol.',
    );
    expect((await admin.getRun(first.id)).tasks.find((t) => t.taskId === 'approve')).toMatchObject({
      status: 'succeeded',
      approval: { decision: { decision: 'approve', by: 'carol' } },
    });

    await admin.removeGroupMember('platform-team', 'carol');
    const second = await admin.createRun('shop');
    await waitingRun(admin, second.id);
    await signed(COMMANDS, command(CAROL, `approve ${second.id}`, `${slack.origin}/r/2`));
    const [refused] = await slack.postsTo('/r/2');
    expect(refused?.body.text).toBe(`Slipway: there is no run ${second.id} that carol may see.`);

    // A viewer's role through another group lets her see the run, still not decide.
    await admin.setRole('shop', 'group:watchers', 'viewer');
    await admin.addGroupMember('watchers', 'carol');
    await signed(COMMANDS, command(CAROL, `approve ${second.id}`, `${slack.origin}/r/3`));
    const [tooLow] = await slack.postsTo('/r/3');
    expect(tooLow?.body.text).toBe(
      `Slipway: carol needs the developer role in the project of run ${second.id} to decide its approvals.`,
    );
    expect((await admin.getRun(second.id)).run.status).toBe('waiting');
  });

  it('answers deploy that no environments are configured', async () => {
    const { signed, slack } = await setUp();
    await signed(COMMANDS, command(ALICE, 'deploy api prod', `${slack.origin}/r/1`));
    const [reply] = await slack.postsTo('/r/1');
    expect(reply?.body.text).toBe(
      'Slipway: deploy: no environments are configured yet, so there is nothing to deploy to that environment.',
    );
  });

  it('posts answers only under the Slack hooks origin', async () => {
    const { signed, slack } = await setUp();
    const answer = await signed(
      COMMANDS,
      command(ALICE, 'status shop', 'http://169.254.169.254/x'),
    );
    expect(answer.status).toBe(400);
    expect(slack.posts).toEqual([]);
  });
});

describe('Slack approval buttons', () => {
  it('posts an approval request to the channel and decides it when a mapped user presses a button', async () => {
    const { admin, signed, slack } = await setUp();
    await admin.putProjectSlack('shop', {
      webhookUrl: `${slack.origin}/services/T0/B0/hook`,
      channel: '#deploys',
    });
    expect(await admin.getProjectSlack('shop')).toMatchObject({ channel: '#deploys' });
    const run = await admin.createRun('shop');

    const [request] = await slack.postsTo('/services/T0/B0/hook');
    const blocks = request?.body.blocks as {
      type: string;
      elements?: { action_id: string; value: string }[];
    }[];
    expect(request?.body.text).toBe('shop: release run #1 waits for approval of task "approve"');
    const buttons = blocks.find((b) => b.type === 'actions')?.elements ?? [];
    expect(buttons.map((b) => b.action_id)).toEqual(['slipway_approve', 'slipway_reject']);
    const reject = buttons[1];
    if (reject === undefined) throw new Error('no reject button');

    const press = (user: string, responseUrl: string) =>
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: user, username: 'someone' },
          response_url: responseUrl,
          actions: [{ action_id: reject.action_id, value: reject.value, type: 'button' }],
        }),
      }).toString();

    const unmapped = await signed(INTERACTIONS, press(BOB, `${slack.origin}/i/1`));
    expect(unmapped.status).toBe(200);
    const [refusal] = await slack.postsTo('/i/1');
    expect(refusal?.body).toMatchObject({ replace_original: false });
    expect(String(refusal?.body.text)).toContain('is not mapped to a Slipway user');

    const pressed = await signed(INTERACTIONS, press(ALICE, `${slack.origin}/i/2`));
    expect(pressed.status).toBe(200);
    const [done] = await slack.postsTo('/i/2');
    expect(done?.body).toEqual({
      replace_original: true,
      text: 'Slipway: task "approve" of release run #1 rejected by alice.',
    });
    const detail = await until(
      () => admin.getRun(run.id),
      (d) => d.run.status === 'failed',
    );
    expect(detail.tasks.find((t) => t.taskId === 'approve')).toMatchObject({
      status: 'failed',
      approval: { decision: { decision: 'reject', by: 'alice' } },
    });
  });

  it('posts an approval request again after Slack answers 503, counting each try', async () => {
    const { admin, slack, url } = await setUp();
    await admin.putProjectSlack('shop', { webhookUrl: `${slack.origin}/services/T0/B0/hook` });
    slack.failNext(503, 1);
    await admin.createRun('shop');
    const [request] = await slack.postsTo('/services/T0/B0/hook');
    expect(request?.body.text).toBe('shop: release run #1 waits for approval of task "approve"');
    expect(slack.posts.map((post) => post.status)).toEqual([503, 200]);
    const replies = (result: string) =>
      metric(url, `slipway_slack_replies_total{result="${result}"}`);
    expect(
      await until(
        () => replies('delivered'),
        (line) => line?.endsWith(' 1') === true,
      ),
    ).toBe('slipway_slack_replies_total{result="delivered"} 1');
    expect(await replies('failed')).toBe('slipway_slack_replies_total{result="failed"} 1');
  });

  it('refuses an unsigned button press', async () => {
    const { post, seconds, slack } = await setUp();
    const body = new URLSearchParams({ payload: '{}' }).toString();
    const answer = await post(INTERACTIONS, body, slackHeaders('guess', body, seconds()));
    expect(answer.status).toBe(401);
    expect(slack.posts).toEqual([]);
  });

  it('keeps the secret and the webhook URL to itself, and takes webhooks of Slack only', async () => {
    const { admin, slack } = await setUp();
    const settings = await admin.getSlackSettings();
    expect(settings).toEqual({
      configured: true,
      commandsPath: COMMANDS,
      interactionsPath: INTERACTIONS,
      updatedAt: expect.any(Number) as number,
    });
    expect(JSON.stringify(settings)).not.toContain(SECRET);
    expect((await admin.listSlackUsers()).users.map((u) => [u.slackUser, u.user])).toEqual([
      [ALICE, 'alice'],
    ]);
    const error: unknown = await admin
      .putProjectSlack('shop', { webhookUrl: 'https://example.com/services/x' })
      .catch((e: unknown) => e);
    expect(isApiError(error) && error.status).toBe(400);
    await admin.putProjectSlack('shop', { webhookUrl: `${slack.origin}/services/a` });
    expect(JSON.stringify(await admin.getProjectSlack('shop'))).not.toContain('/services/');
  });
});
