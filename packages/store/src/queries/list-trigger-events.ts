import type { TriggerEventQuery, TriggerEventRecord } from '@slipway/core';
import { TRIGGER_EVENT_COLUMNS, toTriggerEvent } from '../rows/trigger-event.js';
import type { StoreContext } from '../store-context.js';

/** A project's events, newest first, from `before` (exclusive), at most `limit`. */
export async function listTriggerEvents(
  ctx: StoreContext,
  query: TriggerEventQuery,
): Promise<TriggerEventRecord[]> {
  const rows = await ctx.db
    .selectFrom('trigger_events')
    .select(TRIGGER_EVENT_COLUMNS)
    .where('project_id', '=', query.projectId)
    .$if(query.before !== undefined, (q) => q.where('id', '<', query.before ?? ''))
    .$if(query.status !== undefined, (q) => q.where('status', '=', query.status ?? ''))
    .orderBy('id', 'desc')
    .limit(query.limit)
    .execute();
  return rows.map(toTriggerEvent);
}
