import { TaskStatus, type CarriedTask } from '@slipway/core';
import type { TasksTable } from '../database.js';

/** The task row of a new run for a task it keeps, succeeded, from an earlier run. */
export function carriedTaskRow(runId: string, position: number, kept: CarriedTask): TasksTable {
  return {
    run_id: runId,
    task_id: kept.taskId,
    position,
    status: TaskStatus.Succeeded,
    attempt: kept.attempt,
    reason: null,
    results: JSON.stringify(kept.results),
    started_at: kept.startedAt,
    finished_at: kept.finishedAt,
    carried_attempt_id: kept.attemptId,
    carried_run_id: kept.runId,
  };
}
