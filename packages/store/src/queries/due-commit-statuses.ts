import type { DueCommitStatus } from '@slipway/core';
import { toCommitStatus } from '../rows/commit-status.js';
import type { StoreContext } from '../store-context.js';

/**
 * Outbox rows due at `now` whose state changed since the last delivery: nothing was
 * delivered yet, or the run's status is not the one delivered. Oldest due first.
 */
export async function dueCommitStatuses(
  ctx: StoreContext,
  now: number,
  limit: number,
): Promise<DueCommitStatus[]> {
  if (limit <= 0) return [];
  const rows = await ctx.db
    .selectFrom('commit_statuses as cs')
    .leftJoin('runs as r', 'r.id', 'cs.run_id')
    .selectAll('cs')
    .select('r.status as run_status')
    .where('cs.next_attempt_at', 'is not', null)
    .where('cs.next_attempt_at', '<=', now)
    .where((eb) =>
      eb.or([eb('cs.reported', 'is', null), eb('r.status', '!=', eb.ref('cs.reported'))]),
    )
    .orderBy('cs.next_attempt_at')
    .orderBy('cs.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    ...toCommitStatus(row),
    attempts: row.attempts,
    nextAttemptAt: Number(row.next_attempt_at),
  }));
}
