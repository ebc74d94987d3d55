import type { ClaimedTriggerEvent } from './trigger-events.js';

/** The labels pull request commands record. */
export const PullRequestLabel = {
  Approved: 'approved',
  Held: 'held',
  Lgtm: 'lgtm',
} as const;
export type PullRequestLabel = (typeof PullRequestLabel)[keyof typeof PullRequestLabel];

/** How a pull request is merged: a merge commit, one squashed commit, or rebased commits. */
export const MergeMethod = {
  Merge: 'merge',
  Squash: 'squash',
  Rebase: 'rebase',
} as const;
export type MergeMethod = (typeof MergeMethod)[keyof typeof MergeMethod];

/**
 * Where an automatic merge of a pull request stands. `queued` waits in the merge outbox
 * (also while retried after forge errors); it ends `merged`, `failed` (the forge refused,
 * or kept failing: the user must act) or `dropped` (a condition no longer held when the
 * merge was due, such as a new `/hold` or a new head commit).
 */
export const MergeStatus = {
  Queued: 'queued',
  Merged: 'merged',
  Failed: 'failed',
  Dropped: 'dropped',
} as const;
export type MergeStatus = (typeof MergeStatus)[keyof typeof MergeStatus];

/**
 * Whether a pull request is open, as its forge's last pull request event said: `opened`,
 * `reopened` and new commits make it `open`, `closed` (merged or not) makes it `closed`.
 */
export const PullRequestState = {
  Open: 'open',
  Closed: 'closed',
} as const;
export type PullRequestState = (typeof PullRequestState)[keyof typeof PullRequestState];

/** An automatic merge of one head commit of a pull request: the merge outbox entry. */
export interface PullRequestMerge {
  /** The head commit the checks passed on; the forge merges only while it is the head. */
  readonly commit: string;
  readonly method: MergeMethod;
  readonly status: MergeStatus;
  /** Failed tries since the merge was queued. */
  readonly attempts: number;
  /** When the merge loop takes it next; null once it is settled. */
  readonly nextAttemptAt: number | null;
  /** Why the last try failed, or why the merge was dropped; null when none did. */
  readonly lastError: string | null;
  readonly updatedAt: number;
}

/** What is recorded about one pull request of a project. */
export interface PullRequestRecord {
  readonly projectId: string;
  readonly number: number;
  /** The head commit last seen (from a pull request event or the forge). */
  readonly headCommit: string | null;
  /**
   * Open or closed, from the last pull request event that said; null when no such event
   * was received since states were recorded (a comment alone tells nothing).
   */
  readonly state: PullRequestState | null;
  /**
   * When the forge event that set `state` was received (null with no state): an event
   * received earlier than that one, handled after it, leaves the state alone.
   */
  readonly stateAt: number | null;
  /** Each label set, with the Slipway users who set it, in order. */
  readonly labels: Readonly<Partial<Record<PullRequestLabel, readonly string[]>>>;
  /** A fork's trigger event whose runs wait for `/ok-to-test`; null when none waits. */
  readonly waitingEventId: string | null;
  /** The latest automatic merge of the pull request; null when none was queued. */
  readonly merge: PullRequestMerge | null;
  readonly updatedAt: number;
}

/** Pull request records and what PR commands read, part of the control store. */
export interface PullRequestStore {
  /** A pull request's record; null when nothing was recorded. */
  findPullRequest(projectId: string, number: number): Promise<PullRequestRecord | null>;
  /** A project's pull request records, highest number first, at most `limit`. */
  listPullRequests(projectId: string, limit: number): Promise<PullRequestRecord[]>;
  /**
   * Reads a pull request's record (an empty one when there is none), lets `change` make
   * the new one and stores it, in one transaction. Returns the stored record.
   */
  updatePullRequest(
    projectId: string,
    number: number,
    change: (current: PullRequestRecord) => PullRequestRecord,
  ): Promise<PullRequestRecord>;
  /**
   * Pull requests whose merge is due at `now` (its `nextAttemptAt` has come), oldest
   * due first, at most `limit`.
   */
  dueMerges(now: number, limit: number): Promise<PullRequestRecord[]>;
  /** A trigger event with its payload, by id; null when there is none. */
  findTriggerEvent(id: string): Promise<ClaimedTriggerEvent | null>;
}
