import { randomUUID } from 'node:crypto';
import type { Plan, QueuedAttempt, RunRecord } from '@slipway/core';
import type { Kysely } from 'kysely';
import { AttemptStatus } from '../attempt-status.js';
import type { StoreDatabase } from '../database.js';
import { chunks } from '../rows/chunks.js';
import { labelsJson } from '../rows/json.js';

/*
 * Each task's position in its plan, by plan object: the store shares one frozen plan per
 * run (see plansOf), and a run queues attempts with every change of it.
 */
const positionsByPlan = new WeakMap<Plan, ReadonlyMap<string, number>>();

function positionsIn(plan: Plan): ReadonlyMap<string, number> {
  let positions = positionsByPlan.get(plan);
  if (positions === undefined) {
    positions = new Map(plan.tasks.map((task, index) => [task.id, index]));
    positionsByPlan.set(plan, positions);
  }
  return positions;
}

/** Inserts queued attempt rows; each keeps its task's plan position for claim order. */
export async function queueAttempts(
  trx: Kysely<StoreDatabase>,
  run: RunRecord,
  queue: readonly QueuedAttempt[],
  now: number,
): Promise<void> {
  if (queue.length === 0) return;
  const positions = positionsIn(run.plan);
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
