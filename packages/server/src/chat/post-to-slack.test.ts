import { afterEach, describe, expect, it } from 'vitest';
import { startSlackStandIn, type SlackStandIn } from '../testing/slack-stand-in.js';
import { postToSlack } from './post-to-slack.js';

const HOOK = '/services/T0/B0/hook';
const MESSAGE = { text: 'shop: release run #1 waits for approval of task "approve"' };
/** Short delays, so that retries take milliseconds. */
const FAST = { backoffMs: 1, maxBackoffMs: 5 };

const standIns: SlackStandIn[] = [];
afterEach(async () => {
  for (const standIn of standIns.splice(0)) await standIn.close();
});

async function setUp(): Promise<{ slack: SlackStandIn; tries: boolean[] }> {
  const slack = await startSlackStandIn();
  standIns.push(slack);
  return { slack, tries: [] };
}

describe('postToSlack', () => {
  it('tries a post again after a 503 and counts both tries', async () => {
    const { slack, tries } = await setUp();
    slack.failNext(503, 1);
    await postToSlack(`${slack.origin}${HOOK}`, MESSAGE, slack.origin, {
      ...FAST,
      onTry: (delivered) => tries.push(delivered),
    });
    expect(slack.posts.map((post) => [post.path, post.status, post.body])).toEqual([
      [HOOK, 503, MESSAGE],
      [HOOK, 200, MESSAGE],
    ]);
    expect(tries).toEqual([false, true]);
  });

  it('never tries a 404 again, and says what Slack answered', async () => {
    const { slack, tries } = await setUp();
    slack.failNext(404, 1, 'no_service');
    const error = await postToSlack(`${slack.origin}${HOOK}`, MESSAGE, slack.origin, {
      ...FAST,
      onTry: (delivered) => tries.push(delivered),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `Slack answered 404 (no_service) to a post to ${new URL(slack.origin).host}`,
    );
    expect(slack.posts).toHaveLength(1);
    expect(tries).toEqual([false]);
  });

  it('waits for a 429’s Retry-After, but no longer than the longest delay', async () => {
    const { slack } = await setUp();
    slack.failNext(429, 1, 'rate_limited', { 'retry-after': '30' });
    const started = performance.now();
    await postToSlack(`${slack.origin}${HOOK}`, MESSAGE, slack.origin, {
      backoffMs: 1,
      maxBackoffMs: 100,
    });
    const took = performance.now() - started;
    expect(slack.posts.map((post) => post.status)).toEqual([429, 200]);
    expect(took).toBeGreaterThanOrEqual(95);
    expect(took).toBeLessThan(5_000);
  });

  it('gives up after four tries in all', async () => {
    const { slack, tries } = await setUp();
    slack.failNext(502, 5, '<html>Bad Gateway</html>');
    const error = await postToSlack(`${slack.origin}${HOOK}`, MESSAGE, slack.origin, {
      ...FAST,
      onTry: (delivered) => tries.push(delivered),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^Slack answered 502 to a post to /);
    expect(slack.posts).toHaveLength(4);
    expect(tries).toEqual([false, false, false, false]);
  });

  it('tries no more once its signal aborts, as when the server closes', async () => {
    const { slack, tries } = await setUp();
    slack.failNext(503, 5);
    const closing = new AbortController();
    const started = performance.now();
    const error = await postToSlack(`${slack.origin}${HOOK}`, MESSAGE, slack.origin, {
      backoffMs: 60_000,
      maxBackoffMs: 60_000,
      signal: closing.signal,
      onTry: (delivered) => {
        tries.push(delivered);
        closing.abort();
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^Slack answered 503 .*to a post to /);
    expect(tries).toEqual([false]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('tries again when Slack cannot be reached, then says so', async () => {
    const { slack, tries } = await setUp();
    await slack.close();
    standIns.splice(0);
    const error = await postToSlack(`${slack.origin}${HOOK}`, MESSAGE, slack.origin, {
      ...FAST,
      onTry: (delivered) => tries.push(delivered),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('Slack could not be reached');
    expect(tries).toEqual([false, false, false, false]);
  });

  it('posts nothing to a URL outside the hooks origin', async () => {
    const { slack, tries } = await setUp();
    const error = await postToSlack('http://169.254.169.254/x', MESSAGE, slack.origin, {
      ...FAST,
      onTry: (delivered) => tries.push(delivered),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`only under ${slack.origin}/`);
    expect(slack.posts).toEqual([]);
    expect(tries).toEqual([]);
  });
});
