import type { TriggerEventRecord } from '@slipway/core';
import { TRIGGER_EVENT_COLUMNS, toTriggerEvent } from '../rows/trigger-event.js';
import type { StoreContext } from '../store-context.js';

/** A trigger event by id; null when there is none. */
export async function findTriggerEvent(
  ctx: StoreContext,
  id: string,
): Promise<TriggerEventRecord | null> {
  const row = await ctx.db
    .selectFrom('trigger_events')
    .select(TRIGGER_EVENT_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? null : toTriggerEvent(row);
}
