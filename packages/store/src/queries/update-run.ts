import {
  RunStatus,
  type CommitSync,
  UserError,
  UserErrorKind,
  isRunFinished,
  type RunSnapshot,
  type RunUpdate,
} from '@slipway/core';
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../database.js';
import { RUN_COLUMNS, toRunRecords } from '../rows/run-record.js';
import { statusToStore } from '../rows/concurrency-columns.js';
import { parseJson } from '../rows/json.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';
import { markOutcomesApplied } from './mark-outcomes-applied.js';
import { queueAttempts } from './queue-attempts.js';
import { recordApprovals } from './record-approvals.js';
import { requestStops } from './request-stops.js';
import { writeTaskChanges } from './write-task-changes.js';

/**
 * Reads a run and its state while holding it (the row lock on PostgreSQL, the write lock
 * on SQLite), lets `change` decide, and writes everything `change` returned in the same
 * transaction, committed as `sync` says. `change` runs again when a conflict forces the
 * transaction to restart.
 */
export function updateRun<T>(
  ctx: StoreContext,
  runId: string,
  change: (current: RunSnapshot) => RunUpdate<T>,
  sync?: CommitSync,
): Promise<T> {
  return writeTransaction(ctx, (trx) => updateRunWithin(ctx, trx, runId, change), sync);
}

/** {@link updateRun} inside the write transaction `trx`. */
export async function updateRunWithin<T>(
  ctx: StoreContext,
  trx: Kysely<StoreDatabase>,
  runId: string,
  change: (current: RunSnapshot) => RunUpdate<T>,
): Promise<T> {
  const row = await trx
    .selectFrom('runs')
    .select([...RUN_COLUMNS, 'state', 'admitted'])
    .where('id', '=', runId)
    .$if(ctx.dialect.locksRows, (q) => q.forUpdate())
    .executeTakeFirst();
  if (row === undefined) throw new UserError(UserErrorKind.NotFound, `There is no run ${runId}.`);
  const [run] = await toRunRecords(trx, [row]);
  if (run === undefined) throw new Error(`run ${runId} has no plan`);
  const update = change({ run, state: parseJson(row.state) });
  if (isRunFinished(run.status) && update.status !== run.status) {
    throw new Error(`run ${runId} is ${run.status} and cannot become ${update.status}`);
  }
  const { now } = update;
  const status = statusToStore(runId, row.admitted, update.status);

  await writeTaskChanges(trx, run, update.tasks, now);
  await queueAttempts(trx, run, update.queue, now);
  await requestStops(trx, run.id, update.stop, now);
  await markOutcomesApplied(trx, run.id, update.applied);
  await recordApprovals(trx, run.id, update.approvals ?? []);

  const finished = isRunFinished(status);
  // A run stored `waiting` has not started while it queues for its concurrency group
  // (not admitted); an admitted run is `waiting` only for approvals, after its start.
  const started =
    status !== RunStatus.Queued && !(status === RunStatus.Waiting && row.admitted === 0);
  await trx
    .updateTable('runs')
    .set({
      state: JSON.stringify(update.state),
      status,
      wake_at: finished ? null : update.wakeAt,
      started_at: run.startedAt ?? (started ? now : null),
      finished_at: finished ? (run.finishedAt ?? now) : null,
    })
    .where('id', '=', runId)
    .execute();
  return update.result;
}
