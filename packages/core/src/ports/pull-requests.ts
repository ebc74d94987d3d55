import type { ClaimedTriggerEvent } from './trigger-events.js';

/** The labels pull request commands record. */
export const PullRequestLabel = {
  Approved: 'approved',
  Held: 'held',
  Lgtm: 'lgtm',
} as const;
export type PullRequestLabel = (typeof PullRequestLabel)[keyof typeof PullRequestLabel];

/** What is recorded about one pull request of a project. */
export interface PullRequestRecord {
  readonly projectId: string;
  readonly number: number;
  /** The head commit last seen (from a pull request event or the forge). */
  readonly headCommit: string | null;
  /** Each label set, with the Slipway users who set it, in order. */
  readonly labels: Readonly<Partial<Record<PullRequestLabel, readonly string[]>>>;
  /** A fork's trigger event whose runs wait for `/ok-to-test`; null when none waits. */
  readonly waitingEventId: string | null;
  readonly updatedAt: number;
}

/** Pull request records and what PR commands read, part of the control store. */
export interface PullRequestStore {
  /** A pull request's record; null when nothing was recorded. */
  findPullRequest(projectId: string, number: number): Promise<PullRequestRecord | null>;
  /**
   * Reads a pull request's record (an empty one when there is none), lets `change` make
   * the new one and stores it, in one transaction. Returns the stored record.
   */
  updatePullRequest(
    projectId: string,
    number: number,
    change: (current: PullRequestRecord) => PullRequestRecord,
  ): Promise<PullRequestRecord>;
  /** A trigger event with its payload, by id; null when there is none. */
  findTriggerEvent(id: string): Promise<ClaimedTriggerEvent | null>;
}
