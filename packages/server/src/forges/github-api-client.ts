import {
  CommitState,
  type CommitStatus,
  type ForgeClient,
  type MergeRequest,
  type PullRequestInfo,
} from '@slipway/core';
import { z } from 'zod';
import { forgeRequest, type ForgeHttpOptions } from './forge-http.js';
import { ownerAndName, shortDescription, type ForgeTarget } from './forge-target.js';

/** A pull request's head or base: GitHub names its repository, Gitea also gives `repo_id`. */
const Branch = z.looseObject({
  ref: z.string(),
  repo_id: z.number().optional(),
  repo: z.looseObject({ id: z.number() }).nullable().optional(),
});
const PullRequest = z.looseObject({
  number: z.number().int(),
  title: z.string(),
  head: Branch.extend({ sha: z.string() }),
  base: Branch,
  state: z.string().optional(),
  merged: z.boolean().nullable().optional(),
});

/** How a forge that speaks GitHub's REST API differs from GitHub. */
export interface GitHubApiDialect {
  /** The headers of every call, with the token. */
  readonly headers: (token: string) => Readonly<Record<string, string>>;
  /** The call that merges a pull request. */
  readonly merge: (request: MergeRequest) => { method: 'PUT' | 'POST'; body: unknown };
}

/**
 * GitHub, and GitHub Enterprise at `https://HOST/api/v3`: the token is sent as a bearer
 * token, and a merge is guarded by the head commit (`sha`).
 */
export const GITHUB: GitHubApiDialect = {
  headers: (token) => ({
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${token}`,
    'x-github-api-version': '2022-11-28',
  }),
  merge: (request) => ({
    method: 'PUT',
    body: { sha: request.commit, merge_method: request.method },
  }),
};

/**
 * Gitea and Forgejo at `https://HOST/api/v1`: the token is sent as `Authorization: token
 * …`, and a merge is guarded by `head_commit_id`.
 */
export const GITEA: GitHubApiDialect = {
  headers: (token) => ({ authorization: `token ${token}` }),
  merge: (request) => ({
    method: 'POST',
    body: { Do: request.method, head_commit_id: request.commit },
  }),
};

/** GitHub's and Gitea's status states: no `running`. */
function statusState(state: CommitState): string {
  switch (state) {
    case CommitState.Pending:
    case CommitState.Running:
      return 'pending';
    case CommitState.Success:
      return 'success';
    case CommitState.Failure:
      return 'failure';
    case CommitState.Error:
      return 'error';
  }
}

/**
 * A forge that speaks GitHub's REST API (GitHub, GitHub Enterprise, Gitea, Forgejo), as
 * its dialect says: commit statuses, issue comments (a pull request is an issue), pull
 * requests and their merge.
 */
export class GitHubApiClient implements ForgeClient {
  constructor(
    private readonly target: ForgeTarget,
    private readonly dialect: GitHubApiDialect,
    private readonly http: ForgeHttpOptions = {},
  ) {}

  async setCommitStatus(status: CommitStatus): Promise<void> {
    await this.call('POST', `statuses/${encodeURIComponent(status.commit)}`, {
      what: `setting the status ${status.context} of ${status.commit.slice(0, 12)}`,
      body: {
        state: statusState(status.state),
        context: status.context,
        description: shortDescription(status.description),
        ...(status.targetUrl !== undefined ? { target_url: status.targetUrl } : {}),
      },
    });
  }

  async commentOnPullRequest(number: number, body: string): Promise<void> {
    await this.call('POST', `issues/${number}/comments`, {
      what: `commenting on pull request #${number}`,
      body: { body },
    });
  }

  async getPullRequest(number: number): Promise<PullRequestInfo> {
    const pr = PullRequest.parse(
      await this.call('GET', `pulls/${number}`, { what: `reading pull request #${number}` }),
    );
    // A head whose repository is gone (a deleted fork) counts as a fork.
    const head = pr.head.repo_id ?? pr.head.repo?.id;
    const base = pr.base.repo_id ?? pr.base.repo?.id;
    return {
      number: pr.number,
      title: pr.title,
      headCommit: pr.head.sha,
      headBranch: pr.head.ref,
      baseBranch: pr.base.ref,
      fork: head === undefined || base === undefined || head !== base,
      state: pr.merged === true ? 'merged' : pr.state === 'closed' ? 'closed' : 'open',
    };
  }

  async mergePullRequest(request: MergeRequest): Promise<void> {
    const { method, body } = this.dialect.merge(request);
    await this.call(method, `pulls/${request.number}/merge`, {
      what: `merging pull request #${request.number} at ${request.commit.slice(0, 12)}`,
      body,
    });
  }

  private call(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    request: { what: string; body?: unknown },
  ): Promise<unknown> {
    return forgeRequest(
      {
        method,
        url: `${this.target.apiUrl}/repos/${ownerAndName(this.target.repository)}/${path}`,
        headers: this.dialect.headers(this.target.token),
        ...request,
      },
      this.http,
    );
  }
}
