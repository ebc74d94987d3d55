import { AttemptOutcome, type AttemptRef } from '@slipway/core';
import { sql } from 'kysely';
import { AttemptStatus } from '../attempt-status.js';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/**
 * Settles claimed attempts whose lease ended before `now` with outcome `lost`. On
 * PostgreSQL a concurrent caller waits for the row and then sees it settled, so each
 * attempt is reported lost once.
 */
export async function expireLeases(ctx: StoreContext, now: number): Promise<AttemptRef[]> {
  const rows = await retryTransient(ctx, () =>
    ctx.db
      .updateTable('attempts')
      .set({
        status: AttemptStatus.Settled,
        outcome: AttemptOutcome.Lost,
        results: '{}',
        error: sql<string>`'agent ' || agent_id || ' stopped renewing its lease'`,
        finished_at: now,
        applied: 0,
      })
      .where('status', '=', AttemptStatus.Claimed)
      .where('lease_until', '<', now)
      .returning(['id', 'run_id', 'task_id', 'attempt'])
      .execute(),
  );
  return rows
    .map((row) => ({
      attemptId: row.id,
      runId: row.run_id,
      taskId: row.task_id,
      attempt: row.attempt,
    }))
    .sort(
      (a, b) => compare(a.runId, b.runId) || compare(a.taskId, b.taskId) || a.attempt - b.attempt,
    );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
