import {
  readEventStream,
  SlipwayClient,
  type ClaimedAttempt,
  type LogChunk,
  type ServerSentEvent,
} from '@slipway/api';
import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { gitRepository, serverFixture, TWO_TASKS } from '../testing/server-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(deps: Parameters<typeof serverFixture>[1] = {}) {
  const server = await serverFixture({}, deps);
  cleanups.push(() => server.close());
  const repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
  cleanups.push(() => repo.remove());
  const url = await server.listen();
  const client = new SlipwayClient({ baseUrl: url, token: server.token });
  await client.createProject({ name: 'shop', source: repo.dir });
  const { agentId } = await client.registerAgent({ name: 'test', labels: [], capacity: 4 });
  const run = await client.createRun('shop');
  const logs = (attempt: ClaimedAttempt) => {
    let seq = 0;
    return (text: string, step = 0) =>
      client.sendLogs({
        agentId,
        chunks: [
          { attemptId: attempt.attemptId, step, seq: seq++, stream: 'stdout', text, at: seq },
        ],
      });
  };
  const finish = (attempt: ClaimedAttempt) =>
    client.finish({
      agentId,
      attemptId: attempt.attemptId,
      outcome: 'succeeded',
      results: {},
      error: null,
    });
  return { server, url, client, agentId, run, logs, finish };
}

async function claimOne(client: SlipwayClient, agentId: string): Promise<ClaimedAttempt> {
  const { attempts } = await client.claim({ agentId, labels: [], free: 1, waitMs: 5_000 });
  const [attempt] = attempts;
  if (!attempt) throw new Error('no attempt was claimed');
  return attempt;
}

/** Opens a log stream with a plain request and reads its events. */
async function openStream(
  url: string,
  token: string,
  path: string,
  headers: Record<string, string> = {},
) {
  const controller = new AbortController();
  cleanups.push(() => {
    controller.abort();
    return Promise.resolve();
  });
  const response = await fetch(`${url}${path}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
    signal: controller.signal,
  });
  if (!response.body) throw new Error('no body');
  return { response, events: readEventStream(response.body) };
}

async function allEvents(events: AsyncGenerator<ServerSentEvent>): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('following logs', () => {
  it('shows a line to a follower within 250 ms of its writing', async () => {
    const { client, agentId, run, logs, finish } = await setUp();
    const build = await claimOne(client, agentId);
    const write = logs(build);
    const follower = client.followTaskLogs(run.id, 'build');
    await write('first\n');
    expect((await follower.next()).value).toMatchObject({ seq: 0, text: 'first\n' });

    const delays: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const started = performance.now();
      const [next] = await Promise.all([follower.next(), write(`line ${i}\n`)]);
      delays.push(performance.now() - started);
      expect(next.value).toMatchObject({ seq: i, text: `line ${i}\n` });
    }
    delays.sort((a, b) => a - b);
    expect(delays[2]).toBeLessThan(250);
    await finish(build);
    expect(await follower.next()).toMatchObject({ done: true });
  });

  it('sends everything, then the end event, once the attempt has settled', async () => {
    const { client, agentId, run, logs, finish } = await setUp();
    const build = await claimOne(client, agentId);
    const write = logs(build);
    await write('one\n');
    const following = (async () => {
      const texts: string[] = [];
      const follower = client.followTaskLogs(run.id, 'build');
      for (;;) {
        const next = await follower.next();
        if (next.done) return { texts, end: next.value };
        texts.push(next.value.text);
      }
    })();
    await write('two\n');
    await write('three\n');
    await finish(build);
    expect(await following).toEqual({
      texts: ['one\n', 'two\n', 'three\n'],
      end: { attemptId: build.attemptId, attempt: 1, last: 2 },
    });

    // Following a settled attempt sends what it printed and ends at once.
    const late: LogChunk[] = [];
    for await (const chunk of client.followTaskLogs(run.id, 'build', { after: 0 })) {
      late.push(chunk);
    }
    expect(late.map((c) => c.text)).toEqual(['two\n', 'three\n']);
  });

  it('resumes from Last-Event-ID or from `after`, as server-sent events', async () => {
    const { server, url, client, agentId, run, logs, finish } = await setUp();
    const build = await claimOne(client, agentId);
    const write = logs(build);
    for (const text of ['a\n', 'b\n', 'c\n', 'd\n']) await write(text);
    await finish(build);
    const path = `/api/runs/${run.id}/tasks/build/logs/stream`;

    const resumed = await openStream(url, server.token, `${path}?after=0`, {
      'last-event-id': '1',
    });
    expect(resumed.response.status).toBe(200);
    expect(resumed.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await allEvents(resumed.events);
    expect(events.map((e) => [e.event, e.id])).toEqual([
      ['attempt', undefined],
      ['log', '2'],
      ['log', '3'],
      ['end', undefined],
    ]);
    expect(JSON.parse(events[0]?.data ?? '')).toEqual({
      attemptId: build.attemptId,
      attempt: 1,
    });
    expect(JSON.parse(events[1]?.data ?? '')).toMatchObject({ seq: 2, text: 'c\n', step: 0 });
    expect(JSON.parse(events[3]?.data ?? '')).toEqual({
      attemptId: build.attemptId,
      attempt: 1,
      last: 3,
    });

    const after = await openStream(url, server.token, `${path}?after=2`);
    expect((await allEvents(after.events)).filter((e) => e.event === 'log')).toHaveLength(1);
  });

  it('waits for the first attempt of a task that has none yet', async () => {
    const { client, agentId, run, logs, finish } = await setUp();
    const build = await claimOne(client, agentId);
    const following = (async () => {
      const texts: string[] = [];
      for await (const chunk of client.followTaskLogs(run.id, 'test')) texts.push(chunk.text);
      return texts;
    })();
    await finish(build);
    const test = await claimOne(client, agentId);
    expect(test.taskId).toBe('test');
    await logs(test)('testing\n');
    await finish(test);
    expect(await following).toEqual(['testing\n']);
  });

  it('ends at once for a task that settled without an attempt', async () => {
    const { client, run } = await setUp();
    await client.cancelRun(run.id, { mode: 'kill' });
    const follower = client.followTaskLogs(run.id, 'test');
    const next = await follower.next();
    expect(next).toEqual({ done: true, value: { attemptId: null, attempt: 0, last: -1 } });
  });

  it('reads and follows an earlier attempt by number, and answers 404 for none', async () => {
    const { client, agentId, run, logs, finish } = await setUp();
    const build = await claimOne(client, agentId);
    await logs(build)('hello\n');
    await finish(build);
    const json = await client.readTaskLogs(run.id, 'build', { attempt: 1 });
    expect(json).toMatchObject({ attemptId: build.attemptId, attempt: 1 });
    expect(json.chunks.map((c) => c.text)).toEqual(['hello\n']);
    const followed: string[] = [];
    for await (const chunk of client.followTaskLogs(run.id, 'build', { attempt: 1 })) {
      followed.push(chunk.text);
    }
    expect(followed).toEqual(['hello\n']);

    await expect(client.readTaskLogs(run.id, 'build', { attempt: 2 })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      client.followTaskLogs(run.id, 'build', { attempt: 2 }).next(),
    ).rejects.toMatchObject({ status: 404 });
    await expect(client.followTaskLogs(run.id, 'nothing').next()).rejects.toMatchObject({
      status: 404,
    });
    await expect(client.followTaskLogs('no-run', 'build').next()).rejects.toMatchObject({
      status: 404,
    });
  });

  it('sends keep-alive comments while nothing happens', async () => {
    const { server, url, client, agentId, run } = await setUp({ logKeepAliveMs: 50 });
    await claimOne(client, agentId);
    // A plain request, which the test can drop without leaving a pooled connection behind.
    const text = await new Promise<string>((resolve, reject) => {
      const request = get(
        `${url}/api/runs/${run.id}/tasks/build/logs/stream`,
        { headers: { authorization: `Bearer ${server.token}` } },
        (response) => {
          let received = '';
          response.setEncoding('utf8');
          response.on('data', (piece: string) => {
            received += piece;
            if (received.includes(': keep-alive\n\n')) {
              request.destroy();
              resolve(received);
            }
          });
          response.on('error', () => undefined);
          response.on('end', () => {
            resolve(received);
          });
        },
      );
      request.on('error', reject);
    });
    expect(text).toMatch(/^event: attempt\n/);
    expect(text).toContain(': keep-alive\n\n');
  });

  it('ends open streams when the server closes', async () => {
    const { server, url, client, agentId, run } = await setUp();
    await claimOne(client, agentId);
    const stream = await openStream(
      url,
      server.token,
      `/api/runs/${run.id}/tasks/build/logs/stream`,
    );
    const reading = allEvents(stream.events);
    const closing = server.close();
    const events = await reading;
    expect(events.map((e) => e.event)).toEqual(['attempt']);
    await closing;
  });
});
