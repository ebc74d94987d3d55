import type {
  AttemptClaim,
  AttemptFinish,
  AttemptRef,
  ClaimedAttempt,
  ControlStore,
  LeaseAnswer,
  LogChunk,
  NewProject,
  NewRun,
  Project,
  RecordedOutcome,
  RunFilter,
  RunRecord,
  RunSnapshot,
  RunUpdate,
  TaskRecord,
} from '@slipway/core';
import type { Kysely } from 'kysely';
import type { StoreDatabase } from './database.js';
import type { StoreDialect } from './dialect/store-dialect.js';
import { acquireLease } from './queries/acquire-lease.js';
import { appendLogs } from './queries/append-logs.js';
import { claimAttempts } from './queries/claim-attempts.js';
import { createProject } from './queries/create-project.js';
import { createRun } from './queries/create-run.js';
import { dueRuns } from './queries/due-runs.js';
import { expireLeases } from './queries/expire-leases.js';
import { findProject } from './queries/find-project.js';
import { finishAttempt } from './queries/finish-attempt.js';
import { getRun } from './queries/get-run.js';
import { listProjects } from './queries/list-projects.js';
import { listRuns } from './queries/list-runs.js';
import { listTasks } from './queries/list-tasks.js';
import { readLogs } from './queries/read-logs.js';
import { renewLeases } from './queries/renew-leases.js';
import { unappliedOutcomes } from './queries/unapplied-outcomes.js';
import { updateRun } from './queries/update-run.js';
import type { StoreContext } from './store-context.js';

/**
 * The {@link ControlStore} over a SQL database through Kysely; each method is one query
 * module, and the dialect supplies what differs between SQLite and PostgreSQL.
 */
export class SqlControlStore implements ControlStore {
  private readonly ctx: StoreContext;

  constructor(db: Kysely<StoreDatabase>, dialect: StoreDialect) {
    this.ctx = { db, dialect };
  }

  /** The Kysely instance, for maintenance tools and tests. */
  get db(): Kysely<StoreDatabase> {
    return this.ctx.db;
  }

  createProject(project: NewProject): Promise<Project> {
    return createProject(this.ctx, project);
  }

  findProject(idOrName: string): Promise<Project | null> {
    return findProject(this.ctx, idOrName);
  }

  listProjects(): Promise<Project[]> {
    return listProjects(this.ctx);
  }

  createRun(run: NewRun): Promise<RunRecord> {
    return createRun(this.ctx, run);
  }

  getRun(runId: string): Promise<RunRecord | null> {
    return getRun(this.ctx, runId);
  }

  listRuns(filter: RunFilter): Promise<RunRecord[]> {
    return listRuns(this.ctx, filter);
  }

  listTasks(runId: string): Promise<TaskRecord[]> {
    return listTasks(this.ctx, runId);
  }

  updateRun<T>(runId: string, change: (current: RunSnapshot) => RunUpdate<T>): Promise<T> {
    return updateRun(this.ctx, runId, change);
  }

  claimAttempts(claim: AttemptClaim): Promise<ClaimedAttempt[]> {
    return claimAttempts(this.ctx, claim);
  }

  renewLeases(
    agentId: string,
    attemptIds: readonly string[],
    leaseUntil: number,
  ): Promise<Record<string, LeaseAnswer>> {
    return renewLeases(this.ctx, agentId, attemptIds, leaseUntil);
  }

  finishAttempt(finish: AttemptFinish): Promise<boolean> {
    return finishAttempt(this.ctx, finish);
  }

  expireLeases(now: number): Promise<AttemptRef[]> {
    return expireLeases(this.ctx, now);
  }

  unappliedOutcomes(limit: number): Promise<RecordedOutcome[]> {
    return unappliedOutcomes(this.ctx, limit);
  }

  dueRuns(now: number, limit: number): Promise<string[]> {
    return dueRuns(this.ctx, now, limit);
  }

  appendLogs(chunks: readonly LogChunk[]): Promise<void> {
    return appendLogs(this.ctx, chunks);
  }

  readLogs(attemptId: string, afterSeq: number, limit: number): Promise<LogChunk[]> {
    return readLogs(this.ctx, attemptId, afterSeq, limit);
  }

  acquireLease(name: string, holder: string, until: number, now: number): Promise<boolean> {
    return acquireLease(this.ctx, name, holder, until, now);
  }

  close(): Promise<void> {
    return this.ctx.db.destroy();
  }
}
