import type { ClaimedTriggerEvent } from '@slipway/core';
import { toTriggerEvent } from '../rows/trigger-event.js';
import type { StoreContext } from '../store-context.js';

/** A trigger event with its payload, by id; null when there is none. */
export async function findTriggerEvent(
  ctx: StoreContext,
  id: string,
): Promise<ClaimedTriggerEvent | null> {
  const row = await ctx.db
    .selectFrom('trigger_events as e')
    .innerJoin('trigger_event_payloads as p', 'p.event_id', 'e.id')
    .select([
      'e.id',
      'e.project_id',
      'e.source',
      'e.delivery_id',
      'e.kind',
      'e.received_at',
      'e.status',
      'e.outcome',
      'e.run_ids',
      'e.processed_at',
      'p.payload',
    ])
    .where('e.id', '=', id)
    .executeTakeFirst();
  return row === undefined ? null : { ...toTriggerEvent(row), payload: row.payload };
}
