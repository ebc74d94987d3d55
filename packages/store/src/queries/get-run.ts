import type { RunRecord } from '@slipway/core';
import { RUN_COLUMNS, toRunRecords } from '../rows/run-record.js';
import type { StoreContext } from '../store-context.js';

/** A run by id, or null. */
export async function getRun(ctx: StoreContext, runId: string): Promise<RunRecord | null> {
  const row = await ctx.db
    .selectFrom('runs')
    .select(RUN_COLUMNS)
    .where('id', '=', runId)
    .executeTakeFirst();
  if (row === undefined) return null;
  const [run] = await toRunRecords(ctx.db, [row]);
  return run ?? null;
}
