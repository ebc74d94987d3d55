import { randomBytes } from 'node:crypto';
import { TriggerEventStatus, type NewTriggerEvent, type RecordedTriggerEvent } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import { TRIGGER_EVENT_COLUMNS, toTriggerEvent } from '../rows/trigger-event.js';
import type { StoreContext } from '../store-context.js';

/**
 * Stores a trigger event `pending` in one statement; when (project, source, delivery id)
 * exists already, nothing is stored and the earlier event is answered as a duplicate. Ids
 * start with the arrival time, so they sort by it.
 */
export async function recordTriggerEvent(
  ctx: StoreContext,
  event: NewTriggerEvent,
): Promise<RecordedTriggerEvent> {
  const inserted = await retryTransient(ctx, () =>
    ctx.db
      .insertInto('trigger_events')
      .values({
        id: eventId(event.receivedAt),
        project_id: event.projectId,
        source: event.source,
        delivery_id: event.deliveryId,
        kind: event.kind,
        payload: event.payload,
        received_at: event.receivedAt,
        status: TriggerEventStatus.Pending,
        outcome: null,
        run_ids: '[]',
        processed_at: null,
        claimed_by: null,
        claimed_until: null,
      })
      .onConflict((oc) => oc.columns(['project_id', 'source', 'delivery_id']).doNothing())
      .returning(TRIGGER_EVENT_COLUMNS)
      .executeTakeFirst(),
  );
  if (inserted !== undefined) return { event: toTriggerEvent(inserted), duplicate: false };
  const earlier = await ctx.db
    .selectFrom('trigger_events')
    .select(TRIGGER_EVENT_COLUMNS)
    .where('project_id', '=', event.projectId)
    .where('source', '=', event.source)
    .where('delivery_id', '=', event.deliveryId)
    .executeTakeFirstOrThrow();
  return { event: toTriggerEvent(earlier), duplicate: true };
}

function eventId(at: number): string {
  return `${Math.max(0, at).toString(36).padStart(10, '0')}${randomBytes(8).toString('hex')}`;
}
