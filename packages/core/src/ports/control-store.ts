import type { Plan, TriggerFacts } from '../plan/plan.js';
import type { AttemptOutcome } from '../scheduler/events.js';
import type { RunStatus } from '../scheduler/run-status.js';
import type { TaskStatus } from '../scheduler/task-status.js';

/**
 * The control plane's durable state: projects, runs, task attempts and their leases, and
 * logs. Implemented over SQLite and PostgreSQL (package `store`); every implementation
 * passes the contract suite in `testing`.
 *
 * Concurrency: several server replicas may share one store. Each method is one
 * transaction. {@link ControlStore.updateRun} serializes changes to one run (row lock on
 * PostgreSQL, the single writer on SQLite); {@link ControlStore.claimAttempts} never hands
 * the same attempt to two callers (`FOR UPDATE SKIP LOCKED` on PostgreSQL). Settled
 * attempts never change again: a late agent's heartbeat or completion is refused.
 */
export interface ControlStore {
  createProject(project: NewProject): Promise<Project>;
  /** By id or by name; null when there is none. */
  findProject(idOrName: string): Promise<Project | null>;
  listProjects(): Promise<Project[]>;

  /** Stores a run with its frozen plan, numbered per project (1, 2, …), status `queued`. */
  createRun(run: NewRun): Promise<RunRecord>;
  getRun(runId: string): Promise<RunRecord | null>;
  /**
   * Newest first: by number within a project, by creation time across projects. `before`
   * is the run number to page from (exclusive); it needs `projectId`.
   */
  listRuns(filter: RunFilter): Promise<RunRecord[]>;
  /** Tasks of a run in plan order, with their latest attempt. */
  listTasks(runId: string): Promise<TaskRecord[]>;

  /**
   * Reads a run's scheduler state, lets `change` decide what happens, and stores the
   * outcome in the same transaction: the new state, task rows, attempts to queue and
   * stop requests. `change` must be pure; it may be called again if a conflicting
   * writer forces a retry. Returns what `change` returned.
   */
  updateRun<T>(runId: string, change: (current: RunSnapshot) => RunUpdate<T>): Promise<T>;

  /**
   * Hands queued attempts whose labels the agent has (every label of the task among the
   * agent's) to that agent, up to `max`, oldest first, with a lease until `leaseUntil`.
   */
  claimAttempts(claim: AttemptClaim): Promise<ClaimedAttempt[]>;
  /**
   * Extends the lease of attempts the agent still holds. Returns, per attempt id, whether
   * it may go on (`ok`), should stop (`stop`, with the mode), or is no longer the agent's
   * (`gone`: settled, lost or reassigned).
   */
  renewLeases(
    agentId: string,
    attemptIds: readonly string[],
    leaseUntil: number,
  ): Promise<Record<string, LeaseAnswer>>;
  /**
   * Records how an attempt the agent holds ended. Returns false, changing nothing, when
   * the attempt is already settled or held by someone else. The outcome is stored first
   * and applied to its run afterwards (see {@link ControlStore.unappliedOutcomes}), so a
   * crash between the two loses nothing.
   */
  finishAttempt(finish: AttemptFinish): Promise<boolean>;
  /** Records the outcome `lost` for attempts whose lease ended before `now`; returns them. */
  expireLeases(now: number): Promise<AttemptRef[]>;
  /** Recorded outcomes not yet applied to their runs, oldest first. */
  unappliedOutcomes(limit: number): Promise<RecordedOutcome[]>;
  /** Runs not finished whose wake-up time (retry backoff, timeout) is at or before `now`. */
  dueRuns(now: number, limit: number): Promise<string[]>;

  /** Appends log chunks; a chunk whose (attempt, step, seq) exists is ignored. */
  appendLogs(chunks: readonly LogChunk[]): Promise<void>;
  /** Chunks of an attempt with seq greater than `afterSeq`, in order, at most `limit`. */
  readLogs(attemptId: string, afterSeq: number, limit: number): Promise<LogChunk[]>;

  /** Takes or renews a named lease for a singleton duty; true when `holder` has it until `until`. */
  acquireLease(name: string, holder: string, until: number, now: number): Promise<boolean>;

  close(): Promise<void>;
}

export interface NewProject {
  readonly name: string;
  /** Git URL or local path. */
  readonly source: string;
  readonly defaultBranch: string;
}

export interface Project extends NewProject {
  readonly id: string;
  readonly createdAt: number;
}

export interface NewRun {
  readonly projectId: string;
  readonly plan: Plan;
  readonly trigger: TriggerFacts;
  /** The scheduler's initial state as JSON-safe data. */
  readonly state: unknown;
  readonly createdAt: number;
}

export interface RunRecord {
  readonly id: string;
  readonly projectId: string;
  readonly number: number;
  readonly pipeline: string;
  readonly status: RunStatus;
  readonly trigger: TriggerFacts;
  readonly plan: Plan;
  readonly createdAt: number;
  /** When the run first left `queued` and `waiting`; null while it has not. */
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

export interface RunFilter {
  readonly projectId?: string;
  readonly status?: RunStatus;
  readonly pipeline?: string;
  readonly before?: number;
  readonly limit: number;
}

export interface TaskRecord {
  readonly runId: string;
  readonly taskId: string;
  readonly status: TaskStatus;
  readonly attempt: number;
  readonly reason: string | null;
  readonly results: Readonly<Record<string, string>>;
  /** Id of the latest attempt, null before the first. */
  readonly attemptId: string | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

/** What {@link ControlStore.updateRun} hands to `change`. */
export interface RunSnapshot {
  readonly run: RunRecord;
  /** The state stored by the last update (or at creation). */
  readonly state: unknown;
}

export interface RunUpdate<T> {
  readonly state: unknown;
  readonly status: RunStatus;
  /** Task rows to write (status, attempt, reason, results). */
  readonly tasks: readonly TaskChange[];
  /** Attempts to queue for agents. */
  readonly queue: readonly QueuedAttempt[];
  /**
   * Running attempts whose agents should stop them. An attempt no agent has claimed yet is
   * settled at once with outcome `cancelled`, recorded like any outcome (see
   * {@link ControlStore.unappliedOutcomes}).
   */
  readonly stop: readonly {
    readonly taskId: string;
    readonly attempt: number;
    readonly mode: 'cancel' | 'kill';
  }[];
  /** Attempt ids whose recorded outcomes this update applied. */
  readonly applied: readonly string[];
  /** When the run next needs a `tick` (retry backoff, timeout), or null. */
  readonly wakeAt: number | null;
  /** The time of this change: start and finish times of the run and its tasks, queue times. */
  readonly now: number;
  readonly result: T;
}

export interface TaskChange {
  readonly taskId: string;
  readonly status: TaskStatus;
  readonly attempt: number;
  readonly reason: string | null;
  readonly results?: Readonly<Record<string, string>>;
}

export interface QueuedAttempt {
  readonly taskId: string;
  readonly attempt: number;
  /** Agent labels the task needs (`runs-on`). */
  readonly labels: readonly string[];
}

export interface AttemptClaim {
  readonly agentId: string;
  readonly labels: readonly string[];
  readonly max: number;
  readonly now: number;
  readonly leaseUntil: number;
}

export interface AttemptRef {
  readonly attemptId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly attempt: number;
}

export interface ClaimedAttempt extends AttemptRef {
  readonly plan: Plan;
}

export type LeaseAnswer =
  | { readonly status: 'ok' }
  | { readonly status: 'stop'; readonly mode: 'cancel' | 'kill' }
  | { readonly status: 'gone' };

export interface AttemptFinish {
  readonly attemptId: string;
  readonly agentId: string;
  readonly outcome: AttemptOutcome;
  readonly results: Readonly<Record<string, string>>;
  readonly error: string | null;
  readonly now: number;
}

export interface LogChunk {
  readonly attemptId: string;
  readonly step: number;
  /**
   * Orders the chunks of an attempt across all its steps (it does not restart per step);
   * {@link ControlStore.readLogs} pages by it.
   */
  readonly seq: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly at: number;
}

/** An attempt's outcome as recorded, waiting to be applied to its run. */
export interface RecordedOutcome extends AttemptRef {
  readonly outcome: AttemptOutcome;
  readonly results: Readonly<Record<string, string>>;
  readonly error: string | null;
  readonly finishedAt: number;
}
