import type { CronMark } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Stores a schedule's mark in one statement; a mark only moves forward. */
export async function putCronMark(ctx: StoreContext, mark: CronMark): Promise<void> {
  await retryTransient(ctx, () =>
    ctx.db
      .insertInto('cron_marks')
      .values({
        project_id: mark.projectId,
        pipeline: mark.pipeline,
        schedule: mark.schedule,
        last_tick_at: mark.lastTickAt,
      })
      .onConflict((oc) =>
        oc
          .columns(['project_id', 'pipeline', 'schedule'])
          .doUpdateSet((eb) => ({ last_tick_at: eb.ref('excluded.last_tick_at') }))
          .where('cron_marks.last_tick_at', '<', mark.lastTickAt),
      )
      .execute(),
  );
}
