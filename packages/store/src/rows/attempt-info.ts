import type { AttemptInfo } from '@slipway/core';
import { AttemptStatus } from '../attempt-status.js';
import type { StoreContext } from '../store-context.js';

/** Attempts joined with their runs, selecting what an {@link AttemptInfo} is made of. */
export function selectAttemptInfo(ctx: StoreContext) {
  return ctx.db
    .selectFrom('attempts as a')
    .innerJoin('runs as r', 'r.id', 'a.run_id')
    .select(['a.id', 'a.run_id', 'a.task_id', 'a.attempt', 'a.status', 'r.project_id']);
}

type AttemptInfoRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof selectAttemptInfo>['executeTakeFirst']>>
>;

/** A row of {@link selectAttemptInfo} as the port's record, or null for none. */
export function toAttemptInfo(row: AttemptInfoRow | undefined): AttemptInfo | null {
  if (row === undefined) return null;
  return {
    attemptId: row.id,
    runId: row.run_id,
    taskId: row.task_id,
    attempt: row.attempt,
    projectId: row.project_id,
    settled: row.status === AttemptStatus.Settled,
  };
}
