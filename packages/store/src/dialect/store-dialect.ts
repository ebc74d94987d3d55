import type { Expression, Kysely, SqlBool } from 'kysely';
import type { CommitSync } from '@slipway/core';
import type { StoreDatabase } from '../database.js';

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
