import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReportingForge } from '../forges/create-forge-client.js';

/** A call the stand-in received. */
export interface RecordedForgeCall {
  readonly method: string;
  /** The path, decoded, without the API prefix. */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

/** A pull request the stand-in answers about, in the terms of the port. */
export interface StandInPullRequest {
  readonly number: number;
  readonly title: string;
  readonly headCommit: string;
  readonly headBranch: string;
  readonly baseBranch: string;
  /**
   * The head is in another repository; `deleted` when that fork is gone since, which
   * GitHub and Gitea answer by naming no head repository (GitLab still gives its id).
   */
  readonly fork: boolean | 'deleted';
  /** `open` when absent; a merge through the stand-in makes it `merged`. */
  readonly state?: 'open' | 'closed' | 'merged';
}

/** A local HTTP server that answers like a forge's API and records every call. */
export interface ForgeStandIn {
  readonly forge: ReportingForge;
  /** The API base URL to configure, such as `http://127.0.0.1:PORT/api/v4`. */
  readonly apiUrl: string;
  readonly calls: RecordedForgeCall[];
  /** The next `count` calls are answered `status` (and `Retry-After: 0` for 429). */
  failNext(status: number, count: number): void;
  /** The call numbered `index` (counting from 0 over every call received) is answered `status`. */
  failAt(index: number, status: number): void;
  /** Merge calls are answered `status` (as a forge whose branch protection refuses); null: merged. */
  refuseMerges(status: number | null): void;
  /** Pull requests the stand-in knows, by number. */
  readonly pullRequests: Map<number, StandInPullRequest>;
  /** The merges it carried out, in order. */
  readonly merges: { readonly number: number; readonly commit: string; readonly method: string }[];
  close(): Promise<void>;
}

const PREFIX: Readonly<Record<ReportingForge, string>> = {
  github: '/api/v3',
  gitlab: '/api/v4',
  gitea: '/api/v1',
};

/**
 * Starts a stand-in of `forge`'s API on a free loopback port. It checks the token the
 * way the forge takes it (401 otherwise), answers the statuses, comments and pull
 * request routes Slipway uses with the shapes the forge sends, and 404 to anything else.
 */
export async function startForgeStandIn(
  forge: ReportingForge,
  token: string,
  repository: string,
): Promise<ForgeStandIn> {
  const calls: RecordedForgeCall[] = [];
  const failures: number[] = [];
  const failuresAt = new Map<number, number>();
  let mergeRefusal: number | null = null;
  const pullRequests = new Map<number, StandInPullRequest>();
  const merges: ForgeStandIn['merges'] = [];
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const path = decodeURIComponent(url.pathname.slice(PREFIX[forge].length));
    calls.push({
      method: request.method ?? 'GET',
      path,
      headers: request.headers,
      body: text === '' ? null : (JSON.parse(text) as unknown),
    });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const failure = failuresAt.get(calls.length - 1) ?? failures.shift();
    if (failure !== undefined) {
      send(
        failure,
        { message: `stand-in answers ${failure}` },
        failure === 429 ? { 'retry-after': '0' } : {},
      );
      return;
    }
    if (!url.pathname.startsWith(PREFIX[forge]) || !authorized(forge, request, token)) {
      send(401, { message: 'Bad credentials' });
      return;
    }
    const merge = mergeRoute(forge, repository, request.method ?? 'GET', path, text);
    if (merge !== null) {
      const answer = mergeAnswer(merge);
      send(answer.status, answer.body);
      return;
    }
    const answer = route(forge, repository, request.method ?? 'GET', path, pullRequests);
    send(answer.status, answer.body);
  }
  function mergeAnswer(merge: { number: number; commit: string; method: string }): {
    status: number;
    body: unknown;
  } {
    const pr = pullRequests.get(merge.number);
    if (pr === undefined) return { status: 404, body: { message: 'Not Found' } };
    if (mergeRefusal !== null) {
      return {
        status: mergeRefusal,
        body: { message: 'Required status check "deploy" is expected.' },
      };
    }
    if ((pr.state ?? 'open') !== 'open') {
      return { status: 405, body: { message: 'Pull Request is not mergeable' } };
    }
    if (merge.commit !== pr.headCommit) {
      return {
        status: 409,
        body: { message: 'Head branch was modified. Review and try the merge again.' },
      };
    }
    pullRequests.set(merge.number, { ...pr, state: 'merged' });
    merges.push(merge);
    return { status: 200, body: { merged: true, sha: 'f'.repeat(40) } };
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    forge,
    apiUrl: `http://127.0.0.1:${port}${PREFIX[forge]}`,
    calls,
    pullRequests,
    merges,
    failNext(status, count) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    failAt(index, status) {
      failuresAt.set(index, status);
    },
    refuseMerges(status) {
      mergeRefusal = status;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function authorized(forge: ReportingForge, request: IncomingMessage, token: string): boolean {
  switch (forge) {
    case 'github':
      return request.headers.authorization === `Bearer ${token}`;
    case 'gitea':
      return request.headers.authorization === `token ${token}`;
    case 'gitlab':
      return request.headers['private-token'] === token;
  }
}

function route(
  forge: ReportingForge,
  repository: string,
  method: string,
  path: string,
  pullRequests: ReadonlyMap<number, StandInPullRequest>,
): { status: number; body: unknown } {
  const root = forge === 'gitlab' ? `/projects/${repository}/` : `/repos/${repository}/`;
  if (!path.startsWith(root)) return { status: 404, body: { message: 'Not Found' } };
  const rest = path.slice(root.length);
  const pr = /^(?:pulls|merge_requests)\/(\d+)$/.exec(rest);
  if (method === 'POST' && /^statuses\/[0-9a-f]{40}$/.test(rest)) {
    return { status: 201, body: { id: 1 } };
  }
  if (method === 'POST' && /^(?:issues\/\d+\/comments|merge_requests\/\d+\/notes)$/.test(rest)) {
    return { status: 201, body: { id: 1 } };
  }
  if (method === 'GET' && pr !== null) {
    const found = pullRequests.get(Number(pr[1]));
    if (found === undefined) return { status: 404, body: { message: 'Not Found' } };
    return { status: 200, body: pullRequestBody(forge, found) };
  }
  return { status: 404, body: { message: 'Not Found' } };
}

/** A merge call, in the terms of the port; null for another route. */
function mergeRoute(
  forge: ReportingForge,
  repository: string,
  method: string,
  path: string,
  text: string,
): { number: number; commit: string; method: string } | null {
  const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
  const text_ = (value: unknown): string => (typeof value === 'string' ? value : '');
  switch (forge) {
    case 'github': {
      const found = new RegExp(`^/repos/${repository}/pulls/(\\d+)/merge$`).exec(path);
      if (method !== 'PUT' || found === null) return null;
      return {
        number: Number(found[1]),
        commit: text_(body.sha),
        method: text_(body.merge_method) || 'merge',
      };
    }
    case 'gitlab': {
      const found = new RegExp(`^/projects/${repository}/merge_requests/(\\d+)/merge$`).exec(path);
      if (method !== 'PUT' || found === null) return null;
      return {
        number: Number(found[1]),
        commit: text_(body.sha),
        method: body.squash === true ? 'squash' : 'merge',
      };
    }
    case 'gitea': {
      const found = new RegExp(`^/repos/${repository}/pulls/(\\d+)/merge$`).exec(path);
      if (method !== 'POST' || found === null) return null;
      return {
        number: Number(found[1]),
        commit: text_(body.head_commit_id),
        method: text_(body.Do),
      };
    }
  }
}

function pullRequestBody(forge: ReportingForge, pr: StandInPullRequest): unknown {
  const headRepo = pr.fork === false ? 1 : 2;
  const gone = pr.fork === 'deleted';
  switch (forge) {
    case 'github':
      return {
        number: pr.number,
        title: pr.title,
        head: { ref: pr.headBranch, sha: pr.headCommit, repo: gone ? null : { id: headRepo } },
        base: { ref: pr.baseBranch, sha: '0'.repeat(40), repo: { id: 1 } },
        state: pr.state === 'merged' ? 'closed' : (pr.state ?? 'open'),
        merged: pr.state === 'merged',
      };
    case 'gitea':
      return {
        number: pr.number,
        title: pr.title,
        head: { ref: pr.headBranch, sha: pr.headCommit, ...(gone ? {} : { repo_id: headRepo }) },
        base: { ref: pr.baseBranch, sha: '0'.repeat(40), repo_id: 1 },
        state: pr.state === 'merged' ? 'closed' : (pr.state ?? 'open'),
        merged: pr.state === 'merged',
      };
    case 'gitlab':
      return {
        iid: pr.number,
        title: pr.title,
        sha: pr.headCommit,
        source_branch: pr.headBranch,
        target_branch: pr.baseBranch,
        source_project_id: headRepo,
        target_project_id: 1,
        state: pr.state === undefined || pr.state === 'open' ? 'opened' : pr.state,
      };
  }
}
