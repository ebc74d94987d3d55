import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  TaskStatus,
  UserError,
  UserErrorKind,
  type NewRun,
  type RunRecord,
  type RunSnapshot,
  type RunUpdate,
} from '@slipway/core';
import type { StoreDatabase } from '../database.js';
import { carriedTaskRow } from '../rows/carried-task-row.js';
import { chunks } from '../rows/chunks.js';
import { concurrencyColumns, initialRunStatus } from '../rows/concurrency-columns.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';
import { getRun } from './get-run.js';
import { supersedeGroupRuns } from './supersede-group-runs.js';
import { updateRunWithin } from './update-run.js';

/**
 * Stores a queued run (waiting, when in a concurrency group) with one pending task row per
 * plan task. The project's run counter hands out the number; on PostgreSQL its row lock
 * orders concurrent creations.
 */
export function createRun(ctx: StoreContext, run: NewRun): Promise<RunRecord> {
  return writeTransaction(ctx, (trx) => createRunWithin(trx, run));
}

/**
 * Stores a run as {@link createRun} does and applies `change` to it as `updateRun` does,
 * in one transaction: a run that starts at once is created and started in one commit.
 * Returns the run as stored afterwards, and what `change` returned.
 */
export function createAndUpdateRun<T>(
  ctx: StoreContext,
  run: NewRun,
  change: (current: RunSnapshot) => RunUpdate<T>,
): Promise<{ run: RunRecord; result: T }> {
  return writeTransaction(ctx, async (trx) => {
    const created = await createRunWithin(trx, run);
    const result = await updateRunWithin(ctx, trx, created.id, change);
    const stored = await getRun({ ...ctx, db: trx }, created.id);
    return { run: stored ?? created, result };
  });
}

async function createRunWithin(trx: Kysely<StoreDatabase>, run: NewRun): Promise<RunRecord> {
  const counter = await trx
    .updateTable('projects')
    .set((eb) => ({ run_count: eb('run_count', '+', 1) }))
    .where('id', '=', run.projectId)
    .returning('run_count')
    .executeTakeFirst();
  if (counter === undefined) {
    throw new UserError(UserErrorKind.NotFound, `There is no project ${run.projectId}.`);
  }
  const record: RunRecord = {
    id: randomUUID(),
    projectId: run.projectId,
    number: counter.run_count,
    pipeline: run.plan.pipeline,
    status: initialRunStatus(run.plan),
    trigger: run.trigger,
    plan: run.plan,
    createdAt: run.createdAt,
    startedAt: null,
    finishedAt: null,
    trusted: run.trusted ?? true,
    ...(run.retryOf !== undefined ? { retryOf: run.retryOf } : {}),
    ...(run.rerunOf !== undefined ? { rerunOf: run.rerunOf } : {}),
  };
  await trx
    .insertInto('runs')
    .values({
      id: record.id,
      project_id: record.projectId,
      number: record.number,
      pipeline: record.pipeline,
      status: record.status,
      trigger: JSON.stringify(run.trigger),
      state: JSON.stringify(run.state),
      wake_at: null,
      created_at: run.createdAt,
      started_at: null,
      finished_at: null,
      trusted: record.trusted ? 1 : 0,
      ...concurrencyColumns(run.plan),
      retry_of: run.retryOf ?? null,
      rerun_of: run.rerunOf ?? null,
    })
    .execute();
  await trx
    .insertInto('run_plans')
    .values({ run_id: record.id, plan: JSON.stringify(run.plan) })
    .execute();
  const carried = new Map((run.carried ?? []).map((c) => [c.taskId, c]));
  const tasks = run.plan.tasks.map((task, position) => {
    const kept = carried.get(task.id);
    if (kept !== undefined) return carriedTaskRow(record.id, position, kept);
    return {
      run_id: record.id,
      task_id: task.id,
      position,
      status: TaskStatus.Pending,
      attempt: 0,
      reason: null,
      results: '{}',
      started_at: null,
      finished_at: null,
      carried_attempt_id: null,
      carried_run_id: null,
    };
  });
  for (const batch of chunks(tasks)) await trx.insertInto('tasks').values(batch).execute();
  await supersedeGroupRuns(trx, record.projectId, record.id, run.plan);
  return record;
}
