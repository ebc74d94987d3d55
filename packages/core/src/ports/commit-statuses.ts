import type { RunStatus } from '../scheduler/run-status.js';
import type { MergeMethod } from './pull-requests.js';

/** Where a project's forge API is and how to reach it; the token stays sealed. */
export interface ProjectForge {
  readonly projectId: string;
  /** The API base URL, such as `https://api.github.com` or `https://gitlab.example.com/api/v4`. */
  readonly apiUrl: string;
  /** `owner/name` on GitHub and Gitea; the project path (`group/name`) or id on GitLab. */
  readonly repository: string;
  /** The API token, sealed with the server's secret box. */
  readonly sealedToken: string;
  /** Forge login → Slipway user name, for pull request commands. */
  readonly users: Readonly<Record<string, string>>;
  /** How pull requests are merged once ready; null when auto-merge is off (the default). */
  readonly autoMerge: MergeMethod | null;
  readonly updatedAt: number;
}

/** What a run (or a skipped pipeline) reports to its commit, as the outbox stores it. */
export interface NewCommitStatusReport {
  readonly projectId: string;
  /** The run whose status is reported; null for a pipeline its `on` filters skipped. */
  readonly runId: string | null;
  readonly commit: string;
  /** `slipway/<pipeline>`. */
  readonly context: string;
  readonly targetUrl: string | null;
  readonly createdAt: number;
}

/**
 * A report whose latest state was not delivered yet: its run's status differs from the
 * status last delivered (or nothing was delivered). `runStatus` is null for a skipped
 * pipeline.
 */
export interface DueCommitStatus extends NewCommitStatusReport {
  readonly id: string;
  readonly runStatus: RunStatus | null;
  /** The run status (or `skipped`) last delivered; null before the first delivery. */
  readonly reported: string | null;
  /** Failed deliveries since the last one that worked. */
  readonly attempts: number;
  readonly nextAttemptAt: number;
}

/** The outcome of a delivery attempt. */
export interface CommitStatusSettlement {
  readonly id: string;
  /** What is now delivered (unchanged after a failure). */
  readonly reported: string | null;
  readonly attempts: number;
  /** When to look at the report again; null when it is final (a finished run delivered). */
  readonly nextAttemptAt: number | null;
  readonly lastError: string | null;
}

/** A report as listed, for showing the checks of a commit. */
export interface CommitStatusRecord extends NewCommitStatusReport {
  readonly id: string;
  readonly runStatus: RunStatus | null;
  readonly reported: string | null;
  readonly lastError: string | null;
}

/**
 * Forge API settings and the commit status outbox, part of the control store.
 *
 * The outbox holds one row per run (or skipped pipeline) of a forge-triggered project;
 * the state to report is read from the run itself, so a run's changes never have to be
 * written twice. Concurrency: {@link CommitStatusStore.claimCommitStatus} is a
 * compare-and-set on the row's next attempt time, so one replica delivers a row at a time.
 */
export interface CommitStatusStore {
  /** Stores a project's forge API settings, replacing the ones it had. */
  putProjectForge(forge: ProjectForge): Promise<void>;
  /** A project's forge API settings; null when none were set. */
  findProjectForge(projectId: string): Promise<ProjectForge | null>;
  /** Adds reports to the outbox, due at once. */
  addCommitStatuses(reports: readonly NewCommitStatusReport[]): Promise<void>;
  /** Reports due at `now` whose state changed since the last delivery, oldest due first. */
  dueCommitStatuses(now: number, limit: number): Promise<DueCommitStatus[]>;
  /**
   * Takes a due report for delivery until `until`; false when another replica took it
   * (its next attempt time is no longer `seen`).
   */
  claimCommitStatus(id: string, seen: number, until: number): Promise<boolean>;
  /** Records how a delivery went. */
  settleCommitStatus(settlement: CommitStatusSettlement): Promise<void>;
  /** The reports of a commit of a project, oldest first. */
  listCommitStatuses(projectId: string, commit: string): Promise<CommitStatusRecord[]>;
}
