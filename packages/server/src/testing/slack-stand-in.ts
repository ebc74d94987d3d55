import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { slackSignature } from '../chat/slack-signature.js';

/** A post the stand-in received. */
export interface RecordedSlackPost {
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** The status it was answered with: 200 unless {@link SlackStandIn.failNext} said otherwise. */
  readonly status: number;
}

/** A local HTTP server that takes posts as Slack's hooks host does and records them. */
export interface SlackStandIn {
  /** The origin to configure as the server's `slackHooksOrigin`. */
  readonly origin: string;
  /** Every post received, in order, including those answered with a failure. */
  readonly posts: RecordedSlackPost[];
  /**
   * Answers the next `count` posts with `status` and `body` (Slack's plain-text error
   * code), and `headers`, such as a `retry-after`.
   */
  failNext(
    status: number,
    count: number,
    body?: string,
    headers?: Readonly<Record<string, string>>,
  ): void;
  /** Resolves with the posts to `path` answered 200 once there are `count` of them (within 10 s). */
  postsTo(path: string, count?: number): Promise<RecordedSlackPost[]>;
  close(): Promise<void>;
}

/** Starts a stand-in of Slack's hooks host (`response_url`, incoming webhooks). */
export async function startSlackStandIn(): Promise<SlackStandIn> {
  const posts: RecordedSlackPost[] = [];
  const failures: { status: number; body: string; headers: Record<string, string> }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const failure = failures.shift();
      posts.push({
        path: new URL(request.url ?? '/', 'http://stand-in').pathname,
        body: JSON.parse(text) as Record<string, unknown>,
        status: failure?.status ?? 200,
      });
      response.writeHead(failure?.status ?? 200, {
        'content-type': 'text/plain',
        ...failure?.headers,
      });
      response.end(failure?.body ?? 'ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    posts,
    failNext(status, count, body = 'service_unavailable', headers = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, body, headers: { ...headers } });
    },
    async postsTo(path, count = 1) {
      const give = Date.now() + 10_000;
      for (;;) {
        const found = posts.filter((post) => post.path === path && post.status === 200);
        if (found.length >= count || Date.now() > give) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Headers Slack would send with `body` at `seconds` (epoch), signed with `secret`. */
export function slackHeaders(
  secret: string,
  body: string,
  seconds: number,
): Record<string, string> {
  const timestamp = String(Math.floor(seconds));
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}
