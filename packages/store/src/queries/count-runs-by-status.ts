import type { RunStatus, StatusCounts } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** Runs by status, in one aggregate query. */
export async function countRunsByStatus(ctx: StoreContext): Promise<StatusCounts<RunStatus>> {
  const rows = await ctx.db
    .selectFrom('runs')
    .select((eb) => ['status', eb.fn.countAll<number | string>().as('count')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}
