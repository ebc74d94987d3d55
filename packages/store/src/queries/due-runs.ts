import { RunStatus } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

const UNFINISHED = [RunStatus.Queued, RunStatus.Waiting, RunStatus.Running];

/** Ids of unfinished runs whose wake-up time is at or before `now`, earliest first. */
export async function dueRuns(ctx: StoreContext, now: number, limit: number): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('runs')
    .select('id')
    .where('wake_at', 'is not', null)
    .where('wake_at', '<=', now)
    .where('status', 'in', UNFINISHED)
    .orderBy('wake_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}
