import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { slackSignature } from '../chat/slack-signature.js';

/** A post the stand-in received. */
export interface RecordedSlackPost {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** A local HTTP server that takes posts as Slack's hooks host does and records them. */
export interface SlackStandIn {
  /** The origin to configure as the server's `slackHooksOrigin`. */
  readonly origin: string;
  readonly posts: RecordedSlackPost[];
  /** Resolves with the posts to `path` once there are `count` of them (within 10 s). */
  postsTo(path: string, count?: number): Promise<RecordedSlackPost[]>;
  close(): Promise<void>;
}

/** Starts a stand-in of Slack's hooks host (`response_url`, incoming webhooks). */
export async function startSlackStandIn(): Promise<SlackStandIn> {
  const posts: RecordedSlackPost[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      posts.push({
        path: new URL(request.url ?? '/', 'http://stand-in').pathname,
        body: JSON.parse(text) as Record<string, unknown>,
      });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    posts,
    async postsTo(path, count = 1) {
      const give = Date.now() + 10_000;
      for (;;) {
        const found = posts.filter((post) => post.path === path);
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
