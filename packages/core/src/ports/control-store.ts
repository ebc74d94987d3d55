import type { Plan, TriggerFacts } from '../plan/plan.js';
import type { ApprovalDecision, AttemptOutcome } from '../scheduler/events.js';
import type { RunStatus } from '../scheduler/run-status.js';
import type { TaskStatus } from '../scheduler/task-status.js';
import type {
  CarriedTask,
  NewArtifact,
  ReportUpload,
  StoredArtifact,
  StoredReport,
  StoredTestCase,
  TestCaseQuery,
} from './run-outputs.js';
import type {
  GroupMembership,
  GroupSummary,
  NewToken,
  ProjectRole,
  RoleBinding,
  TokenRecord,
} from './access-control.js';
import type { ConcurrencyGroupRef, GroupAdmission } from './concurrency-groups.js';
import type { StatusCounts } from './store-stats.js';
import type { ChatStore } from './chat.js';
import type { CommitStatusStore } from './commit-statuses.js';
import type { PullRequestStore } from './pull-requests.js';
import type { TriggerEventStore } from './trigger-events.js';
import type { AgentStore } from './agent-store.js';
import type { CommitSync } from './commit-sync.js';

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
export interface ControlStore
  extends TriggerEventStore, CommitStatusStore, PullRequestStore, AgentStore, ChatStore {
  createProject(project: NewProject): Promise<Project>;
  /** By id or by name; null when there is none. */
  findProject(idOrName: string): Promise<Project | null>;
  listProjects(): Promise<Project[]>;
  /** Changes a project's default branch; returns the project, or null when there is none. */
  setProjectDefaultBranch(projectId: string, branch: string): Promise<Project | null>;

  /**
   * Stores a run with its frozen plan, numbered per project (1, 2, …), status `queued`. A
   * run whose plan names a concurrency group is stored `waiting` instead, and starts once
   * {@link ControlStore.admitRuns} admits it; until then an update may only finish it.
   * With cancel-in-progress, the group's unfinished runs are marked to be cancelled in the
   * same transaction.
   */
  createRun(run: NewRun): Promise<RunRecord>;
  /**
   * Stores a run as {@link ControlStore.createRun} does and applies `change` to it as
   * {@link ControlStore.updateRun} does, in one transaction (a run created and started in
   * one commit). Returns the run as stored afterwards, and what `change` returned.
   */
  createAndUpdateRun<T>(
    run: NewRun,
    change: (current: RunSnapshot) => RunUpdate<T>,
  ): Promise<{ run: RunRecord; result: T }>;
  getRun(runId: string): Promise<RunRecord | null>;
  /**
   * Newest first: by number within a project, by creation time across projects. `before`
   * is the run number to page from (exclusive); it needs `projectId`.
   */
  listRuns(filter: RunFilter): Promise<RunRecord[]>;
  /**
   * Tasks of a run in plan order, with their latest attempt; only those of `taskIds`
   * when given (ids the run does not have are ignored).
   */
  listTasks(runId: string, taskIds?: readonly string[]): Promise<TaskRecord[]>;

  /**
   * Reads a run's scheduler state, lets `change` decide what happens, and stores the
   * outcome in the same transaction: the new state, task rows, attempts to queue and
   * stop requests. `change` must be pure; it may be called again if a conflicting
   * writer forces a retry. Returns what `change` returned. `sync` says when the change
   * must be on disk ({@link CommitSync.Now} by default); a change that reacts to what the
   * store already holds (outcomes recorded but not yet applied, a due wake-up) may be
   * `Later`, because a power loss that undoes it leaves that cause in place, and the same
   * change is made again.
   */
  updateRun<T>(
    runId: string,
    change: (current: RunSnapshot) => RunUpdate<T>,
    sync?: CommitSync,
  ): Promise<T>;
  /** Decisions about a run's approval tasks (see {@link RunUpdate.approvals}), oldest first. */
  listApprovals(runId: string): Promise<ApprovalRecord[]>;

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
  /**
   * Records attempts' ends, each as {@link ControlStore.finishAttempt} would, applies the
   * accepted ones to their runs and makes the claims that came with them, all in one
   * transaction and one commit on disk. `apply` says how a run changes for its outcomes,
   * as `change` does for {@link ControlStore.updateRun}, and must mark them applied
   * ({@link RunUpdate.applied}); runs change in the order of their ids. Claims are made
   * last, each as {@link ControlStore.claimAttempts} would, so an agent that reports an end
   * and asks for work in one call gets the attempts that end queued (the next task of a
   * chain).
   */
  finishAndClaim<T>(
    items: readonly FinishAndClaim[],
    apply: (outcomes: readonly RecordedOutcome[]) => (current: RunSnapshot) => RunUpdate<T>,
  ): Promise<FinishedAndClaimed<T>>;
  /** Records the outcome `lost` for attempts whose lease ended before `now`; returns them. */
  expireLeases(now: number): Promise<AttemptRef[]>;
  /** Up to `limit` attempts agents hold (claimed, not settled), earliest claim first. */
  listHeldAttempts(limit: number): Promise<HeldAttempt[]>;
  /**
   * Records the outcome `timed_out` with the given error for each attempt that is still
   * claimed (the server ends attempts its agent let run past their task's timeout);
   * returns those it settled. Their agents' heartbeats are answered `gone` from then on.
   */
  timeOutAttempts(attempts: readonly AttemptTimeout[], now: number): Promise<AttemptRef[]>;
  /** Recorded outcomes not yet applied to their runs, oldest first. */
  unappliedOutcomes(limit: number): Promise<RecordedOutcome[]>;
  /** Runs not finished whose wake-up time (retry backoff, timeout) is at or before `now`. */
  dueRuns(now: number, limit: number): Promise<string[]>;

  /**
   * Appends log chunks; a chunk whose (attempt, step, seq) exists is ignored. With a
   * `limit`, each step of an attempt keeps at most `limit.maxStepBytes` bytes of text (UTF-8)
   * across all calls: the chunk that crosses it is cut there and ends with `limit.marker`,
   * and later chunks of that step are dropped.
   */
  appendLogs(chunks: readonly LogChunk[], limit?: LogLimit): Promise<void>;
  /** Chunks of an attempt with seq greater than `afterSeq`, in order, at most `limit`. */
  readLogs(attemptId: string, afterSeq: number, limit: number): Promise<LogChunk[]>;

  /** Takes or renews a named lease for a singleton duty; true when `holder` has it until `until`. */
  acquireLease(name: string, holder: string, until: number, now: number): Promise<boolean>;

  /** Stores a project's encrypted secret, replacing one of the same name. */
  putSecret(secret: NewSecret): Promise<SecretInfo>;
  /** Names and times of a project's secrets, by name. */
  listSecrets(projectId: string): Promise<SecretInfo[]>;
  /** Removes a secret; false when the project has none of that name. */
  deleteSecret(projectId: string, name: string): Promise<boolean>;
  /** A project's secrets with their ciphertexts, by name, for injecting into attempts. */
  readSecrets(projectId: string): Promise<StoredSecret[]>;
  /**
   * The secrets stored first and last (by `updatedAt`, of any project), at most two, for
   * checking at start-up that the server's key decrypts them; none when nothing is stored.
   */
  secretSamples(): Promise<SampledSecret[]>;

  /** An attempt by id; null when there is none. */
  getAttempt(attemptId: string): Promise<AttemptInfo | null>;
  /** The attempt of a run's task with the given number (1, 2, …); null when there is none. */
  findAttempt(runId: string, taskId: string, attempt: number): Promise<AttemptInfo | null>;

  /**
   * Stores the test report of an attempt the agent holds, replacing one stored for it
   * before. Returns false, storing nothing, when the attempt is settled or held by
   * someone else.
   */
  saveReport(upload: ReportUpload): Promise<boolean>;
  /** Totals and suites of the reports of these attempts; attempts without one are left out. */
  readReports(attemptIds: readonly string[]): Promise<StoredReport[]>;
  /**
   * Cases of the reports of these attempts: failed and errored first, then skipped, then
   * passed; within each, by the plan order of the attempts' tasks, then report order.
   */
  listTestCases(query: TestCaseQuery): Promise<StoredTestCase[]>;
  /**
   * Records a file stored for an attempt the agent holds, replacing the record of the same
   * path. Returns false, recording nothing, when the attempt is settled or someone else's.
   */
  recordArtifact(artifact: NewArtifact): Promise<boolean>;
  /** Artifacts of these attempts, by the plan order of their tasks, then path. */
  listArtifacts(attemptIds: readonly string[]): Promise<StoredArtifact[]>;
  /** One artifact of an attempt; null when there is none. */
  findArtifact(attemptId: string, path: string): Promise<StoredArtifact | null>;
  /**
   * Deletes the log chunks of up to `limit` runs that finished before `before` and are
   * not carried by a run that has not (see {@link CarriedTask}); returns how many runs.
   * A run is handled once.
   */
  expireLogs(before: number, now: number, limit: number): Promise<number>;
  /**
   * Up to `limit` runs that finished before `before`, are not carried by a run that has
   * not, and whose artifacts were not forgotten yet.
   */
  runsWithExpiredArtifacts(before: number, limit: number): Promise<string[]>;
  /** Deletes the artifact records of these runs' own attempts; their files are the caller's. */
  forgetArtifacts(runIds: readonly string[], now: number): Promise<void>;

  /** Stores a token (its hash); the store makes its id. */
  createToken(token: NewToken): Promise<TokenRecord>;
  /**
   * Stores `token` as the first admin token unless an admin token exists already (then
   * null): servers starting at once on one database store one between them.
   */
  createFirstAdminToken(token: NewToken): Promise<TokenRecord | null>;
  /** The token whose SHA-256 (hex) is `hash`; null when there is none. */
  findTokenByHash(hash: string): Promise<TokenRecord | null>;
  /** Every token, oldest first. */
  listTokens(): Promise<TokenRecord[]>;
  /** Removes a token; false when there is none with this id. */
  deleteToken(tokenId: string): Promise<boolean>;
  /** Records that the token was used at `at`. */
  touchToken(tokenId: string, at: number): Promise<void>;
  /**
   * Gives a user, or a group (`user` is then `group:NAME`, see {@link GroupMembership}), a
   * role in a project, replacing the one they had.
   */
  setRole(binding: RoleBinding): Promise<RoleBinding>;
  /**
   * The user's role in the project: the highest of their own binding and the bindings of
   * the groups they belong to; null when none of them has one. Given `group:NAME`, the
   * group's own binding.
   */
  findRole(projectId: string, user: string): Promise<ProjectRole | null>;
  /** Role bindings of a project (of users and of groups), by subject. */
  listRoles(projectId: string): Promise<RoleBinding[]>;
  /**
   * The role bindings that apply to a user, in every project: their own and those of the
   * groups they belong to (whose `user` is `group:NAME`), by project, then subject.
   */
  rolesOfUser(user: string): Promise<RoleBinding[]>;
  /** Takes a user's (or a `group:NAME`'s) role in a project away; false when they had none. */
  deleteRole(projectId: string, user: string): Promise<boolean>;
  /**
   * Makes a user a member of a group (which exists from then on); adding a member again
   * changes nothing and answers the membership as first stored.
   */
  addGroupMember(membership: GroupMembership): Promise<GroupMembership>;
  /** Takes a user out of a group; false when they were not in it. */
  removeGroupMember(group: string, user: string): Promise<boolean>;
  /** The groups (those with members), by name, with how many members each has. */
  listGroups(): Promise<GroupSummary[]>;
  /** A group's members, by user; empty when there is no such group. */
  listGroupMembers(group: string): Promise<GroupMembership[]>;
  /** The groups a user belongs to, by name. */
  groupsOfUser(user: string): Promise<string[]>;
  /** The project id of a run; null when there is no such run. */
  findRunProject(runId: string): Promise<string | null>;

  /** Runs by status, in one aggregate query. */
  countRunsByStatus(): Promise<StatusCounts<RunStatus>>;
  /** Tasks (of every run) by status, in one aggregate query. */
  countTasksByStatus(): Promise<StatusCounts<TaskStatus>>;
  /** Attempts queued for agents and not claimed yet. */
  countQueuedAttempts(): Promise<number>;
  /** Attempts agents hold now (claimed, not settled): the agent slots in use. */
  countHeldAttempts(): Promise<number>;
  /**
   * Running runs that nothing moves on: no attempt queued, none claimed with a lease
   * lasting until `now` or later, no recorded outcome waiting to be applied, and no
   * wake-up time (retry backoff, timeout) still to come.
   */
  countZombieRuns(now: number): Promise<number>;

  /**
   * Decides, in one transaction, which runs of a concurrency group may start: waiting runs
   * (see {@link NewRun}), oldest first, while fewer admitted unfinished runs of the group
   * than the waiting run's limit exist. The admitted runs become `queued` (a run stops at
   * the first that does not fit, FIFO). Also answers the group's unfinished runs a newer
   * cancel-in-progress run superseded whose cancel is not yet applied (see
   * {@link ControlStore.clearPendingCancels}).
   */
  admitRuns(group: ConcurrencyGroupRef): Promise<GroupAdmission>;
  /** Notes that the cancels {@link ControlStore.admitRuns} answered were applied. */
  clearPendingCancels(runIds: readonly string[]): Promise<void>;
  /**
   * Groups where {@link ControlStore.admitRuns} may have something to do: a waiting run
   * with a free slot, or a superseded run whose cancel is not applied yet.
   */
  groupsToAdmit(limit: number): Promise<ConcurrencyGroupRef[]>;

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
  /** False when the trigger is untrusted (a pull request from a fork): no secrets. Default true. */
  readonly trusted?: boolean;
  /** The run whose failed tasks this run runs again (with {@link NewRun.carried}). */
  readonly retryOf?: string;
  /** The run this one runs again from the start. */
  readonly rerunOf?: string;
  /** Tasks kept, succeeded, from an earlier run; their rows start settled. */
  readonly carried?: readonly CarriedTask[];
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
  /** False when the trigger is untrusted (a pull request from a fork): no secrets. */
  readonly trusted: boolean;
  /** When the run first left `queued` and `waiting`; null while it has not. */
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  /** Set on a run that runs the failed tasks of this earlier run again. */
  readonly retryOf?: string;
  /** Set on a run that runs this earlier run again from the start. */
  readonly rerunOf?: string;
}

export interface RunFilter {
  readonly projectId?: string;
  /** Only runs of these projects (none when empty). */
  readonly projectIds?: readonly string[];
  readonly status?: RunStatus;
  readonly pipeline?: string;
  /** Only runs whose trigger names this branch. */
  readonly branch?: string;
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
  /**
   * Id of the latest attempt, null before the first. For a task carried from an earlier
   * run, the kept attempt of that run.
   */
  readonly attemptId: string | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  /** For a task carried from an earlier run: the run its attempt belongs to. */
  readonly carriedFrom?: string;
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
  /**
   * Approval decisions this update applied, to keep: at most one per task of a run, ever
   * (a second one for the same task fails the update).
   */
  readonly approvals?: readonly NewApproval[];
  /** When the run next needs a `tick` (retry backoff, timeout), or null. */
  readonly wakeAt: number | null;
  /** The time of this change: start and finish times of the run and its tasks, queue times. */
  readonly now: number;
  readonly result: T;
}

/** A person's decision about an approval task, to store with the run update applying it. */
export interface NewApproval {
  readonly taskId: string;
  readonly decision: ApprovalDecision;
  /** The user name of whoever decided. */
  readonly by: string;
  readonly comment: string | null;
  /** When it was decided. */
  readonly at: number;
}

/** A stored approval decision. */
export interface ApprovalRecord extends NewApproval {
  readonly runId: string;
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

/** An attempt an agent holds, and since when. */
export interface HeldAttempt extends AttemptRef {
  readonly agentId: string;
  readonly claimedAt: number;
}

/** An attempt the server ends because it ran past its task's timeout, and why. */
export interface AttemptTimeout {
  readonly attemptId: string;
  readonly error: string;
}

export interface ClaimedAttempt extends AttemptRef {
  readonly plan: Plan;
  /** When the attempt was queued; its wait for an agent ended at the claim's `now`. */
  readonly queuedAt: number;
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

/** An attempt's end, and the claim for more work its agent makes with it. */
export interface FinishAndClaim {
  readonly finish: AttemptFinish;
  readonly claim: AttemptClaim | null;
}

/** What {@link ControlStore.finishAndClaim} did, per item and per run. */
export interface FinishedAndClaimed<T> {
  /** Per item: whether its end was recorded (false when settled or held by another). */
  readonly accepted: readonly boolean[];
  /** Per item: the attempts its claim got (none without a claim). */
  readonly claimed: readonly (readonly ClaimedAttempt[])[];
  /** Per run changed: the outcomes applied to it and what `apply`'s change returned. */
  readonly applied: readonly {
    readonly outcomes: readonly RecordedOutcome[];
    readonly result: T;
  }[];
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
  /** When an agent claimed the attempt; null when it was stopped before any did. */
  readonly claimedAt: number | null;
}

/** How much log text one step of an attempt may store; see {@link ControlStore.appendLogs}. */
export interface LogLimit {
  /** Bytes of UTF-8 text per (attempt, step). */
  readonly maxStepBytes: number;
  /** Appended to the chunk that crosses the limit. */
  readonly marker: string;
}

/** A secret to store: its value encrypted by the caller, bound to the project and name. */
export interface NewSecret {
  readonly projectId: string;
  /** An environment variable name. */
  readonly name: string;
  /** Opaque to the store. */
  readonly ciphertext: string;
  readonly updatedAt: number;
}

/** What may be shown of a secret: never its value. */
export interface SecretInfo {
  readonly name: string;
  readonly updatedAt: number;
}

/** A secret as stored, still encrypted. */
export interface StoredSecret extends SecretInfo {
  readonly ciphertext: string;
}

/** A stored secret with the project it belongs to. */
export interface SampledSecret extends StoredSecret {
  readonly projectId: string;
}

/** An attempt with the project it belongs to and whether it has settled. */
export interface AttemptInfo extends AttemptRef {
  readonly projectId: string;
  /** True once its outcome is recorded: it will not change, and no more output is expected. */
  readonly settled: boolean;
}
