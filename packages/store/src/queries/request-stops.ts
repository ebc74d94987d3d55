import { AttemptOutcome, StopMode, type RunUpdate } from '@slipway/core';
import type { Kysely } from 'kysely';
import { AttemptStatus } from '../attempt-status.js';
import type { StoreDatabase } from '../database.js';

/**
 * Asks agents to stop attempts: a claimed attempt gets a stop mode that its agent's next
 * lease renewal answers (`kill` is never weakened to `cancel`); an attempt no agent has
 * claimed yet settles at once with outcome `cancelled`, to be applied like any other
 * recorded outcome. Settled or unknown attempts are left alone.
 */
export async function requestStops(
  trx: Kysely<StoreDatabase>,
  runId: string,
  stops: RunUpdate<unknown>['stop'],
  now: number,
): Promise<void> {
  if (stops.length === 0) return;
  const open = await trx
    .selectFrom('attempts')
    .select(['id', 'task_id', 'attempt'])
    .where('run_id', '=', runId)
    .where('status', 'in', [AttemptStatus.Queued, AttemptStatus.Claimed])
    .execute();
  const byKey = new Map(open.map((row) => [`${row.attempt}:${row.task_id}`, row.id]));
  const modes = new Map<string, StopMode>();
  for (const stop of stops) {
    const id = byKey.get(`${stop.attempt}:${stop.taskId}`);
    if (id !== undefined && modes.get(id) !== StopMode.Kill) modes.set(id, stop.mode);
  }
  if (modes.size === 0) return;
  // Settle the unclaimed ones first: a claim racing with this update either took the row
  // before (then the stop mode below reaches its agent) or skips it (it is settled).
  const settled = await trx
    .updateTable('attempts')
    .set({
      status: AttemptStatus.Settled,
      outcome: AttemptOutcome.Cancelled,
      results: '{}',
      error: 'stopped before an agent started it',
      finished_at: now,
    })
    .where('id', 'in', [...modes.keys()])
    .where('status', '=', AttemptStatus.Queued)
    .returning('id')
    .execute();
  for (const row of settled) modes.delete(row.id);
  const kill = [...modes].filter(([, mode]) => mode === StopMode.Kill).map(([id]) => id);
  const cancel = [...modes].filter(([, mode]) => mode === StopMode.Cancel).map(([id]) => id);
  if (kill.length > 0) {
    await trx
      .updateTable('attempts')
      .set({ stop_mode: StopMode.Kill })
      .where('id', 'in', kill)
      .where('status', '=', AttemptStatus.Claimed)
      .execute();
  }
  if (cancel.length > 0) {
    await trx
      .updateTable('attempts')
      .set({ stop_mode: StopMode.Cancel })
      .where('id', 'in', cancel)
      .where('status', '=', AttemptStatus.Claimed)
      .where('stop_mode', 'is', null)
      .execute();
  }
}
