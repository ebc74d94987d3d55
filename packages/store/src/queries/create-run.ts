import { randomUUID } from 'node:crypto';
import {
  RunStatus,
  TaskStatus,
  UserError,
  UserErrorKind,
  type NewRun,
  type RunRecord,
} from '@slipway/core';
import { chunks } from '../rows/chunks.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Stores a queued run with one pending task row per plan task. The project's run
 * counter hands out the number; on PostgreSQL its row lock orders concurrent creations.
 */
export function createRun(ctx: StoreContext, run: NewRun): Promise<RunRecord> {
  return writeTransaction(ctx, async (trx) => {
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
      status: RunStatus.Queued,
      trigger: run.trigger,
      plan: run.plan,
      createdAt: run.createdAt,
      startedAt: null,
      finishedAt: null,
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
        plan: JSON.stringify(run.plan),
        state: JSON.stringify(run.state),
        wake_at: null,
        created_at: run.createdAt,
        started_at: null,
        finished_at: null,
      })
      .execute();
    const tasks = run.plan.tasks.map((task, position) => ({
      run_id: record.id,
      task_id: task.id,
      position,
      status: TaskStatus.Pending,
      attempt: 0,
      reason: null,
      results: '{}',
      started_at: null,
      finished_at: null,
    }));
    for (const batch of chunks(tasks)) await trx.insertInto('tasks').values(batch).execute();
    return record;
  });
}
