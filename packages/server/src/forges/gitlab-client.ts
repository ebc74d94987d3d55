import {
  CommitState,
  type CommitStatus,
  type ForgeClient,
  type MergeRequest,
  type PullRequestInfo,
} from '@slipway/core';
import { z } from 'zod';
import { forgeRequest, type ForgeHttpOptions } from './forge-http.js';
import { shortDescription, type ForgeTarget } from './forge-target.js';

const MergeRequest = z.looseObject({
  iid: z.number().int(),
  title: z.string(),
  sha: z.string(),
  source_branch: z.string(),
  target_branch: z.string(),
  source_project_id: z.number(),
  target_project_id: z.number(),
  state: z.string().optional(),
});

/** GitLab's commit status states. */
function gitlabState(state: CommitState): string {
  switch (state) {
    case CommitState.Pending:
      return 'pending';
    case CommitState.Running:
      return 'running';
    case CommitState.Success:
      return 'success';
    case CommitState.Failure:
    case CommitState.Error:
      return 'failed';
  }
}

/**
 * GitLab (`https://HOST/api/v4`) through its REST API: commit statuses, merge request
 * notes, merge requests. The repository is the project's path (`group/name`) or numeric
 * id; the token is sent as `PRIVATE-TOKEN`.
 */
export class GitLabClient implements ForgeClient {
  constructor(
    private readonly target: ForgeTarget,
    private readonly http: ForgeHttpOptions = {},
  ) {}

  async setCommitStatus(status: CommitStatus): Promise<void> {
    await this.call('POST', `statuses/${encodeURIComponent(status.commit)}`, {
      what: `setting the status ${status.context} of ${status.commit.slice(0, 12)}`,
      body: {
        state: gitlabState(status.state),
        name: status.context,
        description: shortDescription(status.description),
        ...(status.targetUrl !== undefined ? { target_url: status.targetUrl } : {}),
      },
    });
  }

  async commentOnPullRequest(number: number, body: string): Promise<void> {
    await this.call('POST', `merge_requests/${number}/notes`, {
      what: `commenting on merge request !${number}`,
      body: { body },
    });
  }

  async getPullRequest(number: number): Promise<PullRequestInfo> {
    const mr = MergeRequest.parse(
      await this.call('GET', `merge_requests/${number}`, {
        what: `reading merge request !${number}`,
      }),
    );
    return {
      number: mr.iid,
      title: mr.title,
      headCommit: mr.sha,
      headBranch: mr.source_branch,
      baseBranch: mr.target_branch,
      fork: mr.source_project_id !== mr.target_project_id,
      state: mr.state === 'merged' ? 'merged' : mr.state === 'closed' ? 'closed' : 'open',
    };
  }

  /** GitLab merges with a merge commit or squashed; rebasing is the project's own setting. */
  async mergePullRequest(request: MergeRequest): Promise<void> {
    await this.call('PUT', `merge_requests/${request.number}/merge`, {
      what: `merging merge request !${request.number} at ${request.commit.slice(0, 12)}`,
      body: { sha: request.commit, squash: request.method === 'squash' },
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
        url: `${this.target.apiUrl}/projects/${encodeURIComponent(this.target.repository)}/${path}`,
        headers: { 'private-token': this.target.token },
        ...request,
      },
      this.http,
    );
  }
}
