import type { MergeMethod } from './pull-requests.js';

/**
 * What a commit status says, in Slipway's words; each forge client maps it to its own
 * (GitHub and Gitea have no `running`: they show `pending` with the description).
 */
export const CommitState = {
  Pending: 'pending',
  Running: 'running',
  Success: 'success',
  Failure: 'failure',
  Error: 'error',
} as const;
export type CommitState = (typeof CommitState)[keyof typeof CommitState];

/** One status of one commit, under a context (`slipway/<pipeline>`). */
export interface CommitStatus {
  /** The full commit id. */
  readonly commit: string;
  readonly state: CommitState;
  /** The check's name on the forge; a later status of the same context replaces it. */
  readonly context: string;
  /** A line for people (forges cut it at 140 characters). */
  readonly description: string;
  /** Where the status links to (the run's page); absent for none. */
  readonly targetUrl?: string;
}

/** What a pull request (a merge request on GitLab) is, as PR commands need it. */
export interface PullRequestInfo {
  readonly number: number;
  readonly title: string;
  /** The commit its head points at: the one runs build. */
  readonly headCommit: string;
  readonly headBranch: string;
  readonly baseBranch: string;
  /** True when its head is in another repository (a fork). */
  readonly fork: boolean;
  /** Where it stands at the forge: open, closed without merging, or merged. */
  readonly state: 'open' | 'closed' | 'merged';
}

/** What to merge: the pull request, only while its head is `commit`, by `method`. */
export interface MergeRequest {
  readonly number: number;
  /** The head commit the checks passed on; the forge refuses when the head moved. */
  readonly commit: string;
  readonly method: MergeMethod;
}

/**
 * One repository at a forge (GitHub, GitLab, Gitea), as the API token of a project
 * reaches it. Implementations call the forge over HTTP, retrying server errors, 429 and
 * network failures with exponential backoff, never other 4xx answers; what still fails
 * is thrown as a `ForgeCallError` (see the server's forge clients).
 *
 * Calls are independent: they may run concurrently, and the forge keeps only the latest
 * status per (commit, context).
 */
export interface ForgeClient {
  /** Sets the status of a commit under a context. */
  setCommitStatus(status: CommitStatus): Promise<void>;
  /** Adds a comment to a pull request (a note on a GitLab merge request). */
  commentOnPullRequest(number: number, body: string): Promise<void>;
  /** Reads a pull request's head, base, origin and state. */
  getPullRequest(number: number): Promise<PullRequestInfo>;
  /** Merges a pull request whose head is still the given commit. */
  mergePullRequest(request: MergeRequest): Promise<void>;
}
