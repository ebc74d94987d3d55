import type { TaskRecord, TaskStatus } from '@slipway/core';
import { parseResults } from '../rows/json.js';
import type { StoreContext } from '../store-context.js';

/** Beyond this many task ids, all of the run's tasks are read and the others dropped. */
const MAX_IDS_IN_QUERY = 500;

/**
 * Tasks of a run in plan order, each with the id of its latest attempt (for a task carried
 * from an earlier run, the kept attempt); only those of `taskIds` when given.
 */
export async function listTasks(
  ctx: StoreContext,
  runId: string,
  taskIds?: readonly string[],
): Promise<TaskRecord[]> {
  if (taskIds?.length === 0) return [];
  const some = taskIds !== undefined && taskIds.length <= MAX_IDS_IN_QUERY ? taskIds : undefined;
  const rows = await ctx.db
    .selectFrom('tasks as t')
    .leftJoin('attempts as a', (join) =>
      join
        .onRef('a.run_id', '=', 't.run_id')
        .onRef('a.task_id', '=', 't.task_id')
        .on('a.attempt', '=', (eb) =>
          eb
            .selectFrom('attempts as l')
            .select((s) => s.fn.max('l.attempt').as('latest'))
            .whereRef('l.run_id', '=', 't.run_id')
            .whereRef('l.task_id', '=', 't.task_id'),
        ),
    )
    .select([
      't.task_id',
      't.status',
      't.attempt',
      't.reason',
      't.results',
      't.started_at',
      't.finished_at',
      't.carried_attempt_id',
      't.carried_run_id',
      'a.id as attempt_id',
    ])
    .where('t.run_id', '=', runId)
    .$if(some !== undefined, (q) => q.where('t.task_id', 'in', some ?? []))
    .orderBy('t.position')
    .execute();
  const records = rows.map((row): TaskRecord => ({
    runId,
    taskId: row.task_id,
    status: row.status as TaskStatus,
    attempt: row.attempt,
    reason: row.reason,
    results: parseResults(row.results),
    attemptId: row.attempt_id ?? row.carried_attempt_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    ...(row.carried_run_id !== null ? { carriedFrom: row.carried_run_id } : {}),
  }));
  if (taskIds === undefined || some !== undefined) return records;
  const wanted = new Set(taskIds);
  return records.filter((record) => wanted.has(record.taskId));
}
