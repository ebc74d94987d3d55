import type { Expression, Kysely, SqlBool } from 'kysely';
import type { StoreDatabase } from '../database.js';

/**
 * When a write transaction's commit reaches the disk. `Now`: before the commit returns
 * (as the database is configured to sync). `Later`: with the next commit that syncs,
 * which takes every earlier commit along; an operating system crash or power loss before
 * then may undo it, a crash of Slipway's process cannot. Log chunks are committed `Later`:
 * an agent reports an attempt's end only after its logs, so the end's commit makes them
 * durable.
 */
export const CommitSync = {
  Now: 'now',
  Later: 'later',
} as const;
export type CommitSync = (typeof CommitSync)[keyof typeof CommitSync];

/** What differs between the SQL databases the store runs on; every query shares the rest. */
export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  /**
   * Whether reads that precede a write in a transaction lock their rows (`FOR UPDATE`,
   * with `SKIP LOCKED` for claims). SQLite has a single writer instead.
   */
  readonly locksRows: boolean;
  /**
   * Runs `work` in one write transaction. On SQLite the transaction takes the write lock
   * when it begins (`BEGIN IMMEDIATE`), so reads inside it see what it will overwrite.
   * `sync` says when its commit must reach the disk ({@link CommitSync.Now} by default).
   */
  writeTransaction<T>(
    db: Kysely<StoreDatabase>,
    work: (trx: Kysely<StoreDatabase>) => Promise<T>,
    sync?: CommitSync,
  ): Promise<T>;
  /**
   * True when the attempt row's JSON `labels` (a column of `attempts`) are all among
   * `agentLabels`.
   */
  labelsWithin(agentLabels: readonly string[]): Expression<SqlBool>;
  /** True when the run row's JSON `trigger` (a column of `runs`) names `branch`. */
  triggerBranchIs(branch: string): Expression<SqlBool>;
  /** Whether `error` is a conflict after which the whole transaction may simply run again. */
  isTransient(error: unknown): boolean;
}
