import type { CronMark } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** Every schedule's mark, by project, pipeline and schedule. */
export async function listCronMarks(ctx: StoreContext): Promise<CronMark[]> {
  const rows = await ctx.db
    .selectFrom('cron_marks')
    .selectAll()
    .orderBy('project_id')
    .orderBy('pipeline')
    .orderBy('schedule')
    .execute();
  return rows.map((row) => ({
    projectId: row.project_id,
    pipeline: row.pipeline,
    schedule: row.schedule,
    lastTickAt: row.last_tick_at,
  }));
}
