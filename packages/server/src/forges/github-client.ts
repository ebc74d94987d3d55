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

const Repo = z.looseObject({ id: z.number() }).nullable();
const PullRequest = z.looseObject({
  number: z.number().int(),
  title: z.string(),
  head: z.looseObject({ ref: z.string(), sha: z.string(), repo: Repo }),
  base: z.looseObject({ ref: z.string(), repo: Repo }),
  state: z.string().optional(),
  merged: z.boolean().nullable().optional(),
});

/** GitHub's status states: no `running`. */
function githubState(state: CommitState): string {
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
 * GitHub (and GitHub Enterprise at `https://HOST/api/v3`) through its REST API: the
 * statuses API, issue comments, pull requests. The token is sent as a bearer token.
 */
export class GitHubClient implements ForgeClient {
  constructor(
    private readonly target: ForgeTarget,
    private readonly http: ForgeHttpOptions = {},
  ) {}

  async setCommitStatus(status: CommitStatus): Promise<void> {
    await this.call('POST', `statuses/${encodeURIComponent(status.commit)}`, {
      what: `setting the status ${status.context} of ${status.commit.slice(0, 12)}`,
      body: {
        state: githubState(status.state),
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
    return {
      number: pr.number,
      title: pr.title,
      headCommit: pr.head.sha,
      headBranch: pr.head.ref,
      baseBranch: pr.base.ref,
      fork: pr.head.repo === null || pr.head.repo.id !== pr.base.repo?.id,
      state: pr.merged === true ? 'merged' : pr.state === 'closed' ? 'closed' : 'open',
    };
  }

  async mergePullRequest(request: MergeRequest): Promise<void> {
    await this.call('PUT', `pulls/${request.number}/merge`, {
      what: `merging pull request #${request.number} at ${request.commit.slice(0, 12)}`,
      body: { sha: request.commit, merge_method: request.method },
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
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${this.target.token}`,
          'x-github-api-version': '2022-11-28',
        },
        ...request,
      },
      this.http,
    );
  }
}
