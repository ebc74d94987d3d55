import type { RunRecord } from '@slipway/core';
import { RUN_COLUMNS, toRunRecord } from '../rows/run-record.js';
import type { StoreContext } from '../store-context.js';

/** A run by id, or null. */
export async function getRun(ctx: StoreContext, runId: string): Promise<RunRecord | null> {
  const row = await ctx.db
    .selectFrom('runs')
    .select(RUN_COLUMNS)
    .where('id', '=', runId)
    .executeTakeFirst();
  return row === undefined ? null : toRunRecord(row);
}
