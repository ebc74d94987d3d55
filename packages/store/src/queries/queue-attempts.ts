import { randomUUID } from 'node:crypto';
import type { QueuedAttempt, RunRecord } from '@slipway/core';
import type { Kysely } from 'kysely';
import { AttemptStatus } from '../attempt-status.js';
import type { StoreDatabase } from '../database.js';
import { chunks } from '../rows/chunks.js';
import { labelsJson } from '../rows/json.js';

/** Inserts queued attempt rows; each keeps its task's plan position for claim order. */
export async function queueAttempts(
  trx: Kysely<StoreDatabase>,
  run: RunRecord,
  queue: readonly QueuedAttempt[],
  now: number,
): Promise<void> {
  if (queue.length === 0) return;
  const positions = new Map(run.plan.tasks.map((task, index) => [task.id, index]));
  const rows = queue.map((attempt) => {
    const position = positions.get(attempt.taskId);
    if (position === undefined) throw new Error(`run ${run.id} has no task ${attempt.taskId}`);
    return {
      id: randomUUID(),
      run_id: run.id,
      task_id: attempt.taskId,
      attempt: attempt.attempt,
      position,
      status: AttemptStatus.Queued,
      labels: labelsJson(attempt.labels),
      queued_at: now,
      agent_id: null,
      claimed_at: null,
      lease_until: null,
      stop_mode: null,
      outcome: null,
      results: null,
      error: null,
      finished_at: null,
      applied: 0,
    };
  });
  for (const batch of chunks(rows)) await trx.insertInto('attempts').values(batch).execute();
}
