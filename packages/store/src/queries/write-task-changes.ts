import {
  TaskStatus,
  isTaskSettled,
  type RunRecord,
  type TaskChange,
  type TaskStatus as TaskStatusType,
} from '@slipway/core';
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../database.js';
import { chunks } from '../rows/chunks.js';

/** Changes of at most this many tasks read just their rows; larger ones read the run's. */
const NAMED_READ_MAX = 100;

/** A task's start time is when it first runs an attempt or first awaits a decision. */
function startsClock(status: TaskStatusType): boolean {
  return status === TaskStatus.Running || status === TaskStatus.Waiting;
}

/**
 * Writes task rows for one run update in one statement per batch. A settled task never
 * changes status again; a task's start time is the first time it was running and its
 * finish time the first time it settled.
 */
export async function writeTaskChanges(
  trx: Kysely<StoreDatabase>,
  run: RunRecord,
  changes: readonly TaskChange[],
  now: number,
): Promise<void> {
  if (changes.length === 0) return;
  // A change of a few tasks of a large run reads only those tasks' rows.
  const named = changes.length <= NAMED_READ_MAX ? changes.map((change) => change.taskId) : null;
  const current = new Map(
    (
      await trx
        .selectFrom('tasks')
        .select(['task_id', 'position', 'status', 'results', 'started_at', 'finished_at'])
        .where('run_id', '=', run.id)
        .$if(named !== null, (q) => q.where('task_id', 'in', named ?? []))
        .execute()
    ).map((row) => [row.task_id, row]),
  );
  const rows = changes.map((change) => {
    const row = current.get(change.taskId);
    if (row === undefined) throw new Error(`run ${run.id} has no task ${change.taskId}`);
    const from = row.status as TaskStatusType;
    if (isTaskSettled(from) && change.status !== from) {
      throw new Error(`task ${change.taskId} is ${from} and cannot become ${change.status}`);
    }
    const settled = isTaskSettled(change.status);
    return {
      run_id: run.id,
      task_id: change.taskId,
      position: row.position,
      status: change.status,
      attempt: change.attempt,
      reason: change.reason,
      results: change.results === undefined ? row.results : JSON.stringify(change.results),
      started_at: row.started_at ?? (startsClock(change.status) ? now : null),
      finished_at: settled ? (row.finished_at ?? now) : null,
    };
  });
  for (const batch of chunks(rows)) {
    await trx
      .insertInto('tasks')
      .values(batch)
      .onConflict((oc) =>
        oc.columns(['run_id', 'task_id']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          attempt: eb.ref('excluded.attempt'),
          reason: eb.ref('excluded.reason'),
          results: eb.ref('excluded.results'),
          started_at: eb.ref('excluded.started_at'),
          finished_at: eb.ref('excluded.finished_at'),
        })),
      )
      .execute();
  }
}
