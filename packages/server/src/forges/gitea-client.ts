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

const Branch = z.looseObject({
  ref: z.string(),
  sha: z.string(),
  repo_id: z.number().optional(),
  repo: z.looseObject({ id: z.number() }).nullable().optional(),
});
const PullRequest = z.looseObject({
  number: z.number().int(),
  title: z.string(),
  head: Branch,
  base: Branch,
  state: z.string().optional(),
  merged: z.boolean().nullable().optional(),
});

/** Gitea's status states: no `running`. */
function giteaState(state: CommitState): string {
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
 * Gitea and Forgejo (`https://HOST/api/v1`) through their REST API: commit statuses,
 * issue comments (a pull request is an issue), pull requests. The token is sent as
 * `Authorization: token …`.
 */
export class GiteaClient implements ForgeClient {
  constructor(
    private readonly target: ForgeTarget,
    private readonly http: ForgeHttpOptions = {},
  ) {}

  async setCommitStatus(status: CommitStatus): Promise<void> {
    await this.call('POST', `statuses/${encodeURIComponent(status.commit)}`, {
      what: `setting the status ${status.context} of ${status.commit.slice(0, 12)}`,
      body: {
        state: giteaState(status.state),
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
    await this.call('POST', `pulls/${request.number}/merge`, {
      what: `merging pull request #${request.number} at ${request.commit.slice(0, 12)}`,
      body: { Do: request.method, head_commit_id: request.commit },
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
        headers: { authorization: `token ${this.target.token}` },
        ...request,
      },
      this.http,
    );
  }
}
