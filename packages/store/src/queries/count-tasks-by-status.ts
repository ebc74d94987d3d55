import type { StatusCounts, TaskStatus } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** Tasks of every run by status, in one aggregate query. */
export async function countTasksByStatus(ctx: StoreContext): Promise<StatusCounts<TaskStatus>> {
  const rows = await ctx.db
    .selectFrom('tasks')
    .select((eb) => ['status', eb.fn.countAll<number | string>().as('count')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}
