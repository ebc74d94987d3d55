import { TriggerEventStatus, type NewTriggerEvent, type RecordedTriggerEvent } from '@slipway/core';
import { TRIGGER_EVENT_COLUMNS, toTriggerEvent } from '../rows/trigger-event.js';
import { timeSortedId } from '../rows/time-sorted-id.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Stores trigger events `pending` in one transaction (one commit, however many events:
 * the webhook intake groups concurrent deliveries this way). An event whose (project,
 * source, delivery id) exists already, stored before or earlier in this call, is not
 * stored again and is answered with the earlier event as a duplicate. Ids start with the
 * arrival time, so they sort by it.
 */
export function recordTriggerEvents(
  ctx: StoreContext,
  events: readonly NewTriggerEvent[],
): Promise<RecordedTriggerEvent[]> {
  if (events.length === 0) return Promise.resolve([]);
  return writeTransaction(ctx, async (trx) => {
    const answers: RecordedTriggerEvent[] = [];
    for (const event of events) {
      const inserted = await trx
        .insertInto('trigger_events')
        .values({
          id: timeSortedId(event.receivedAt),
          project_id: event.projectId,
          source: event.source,
          delivery_id: event.deliveryId,
          kind: event.kind,
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
        .executeTakeFirst();
      if (inserted !== undefined) {
        await trx
          .insertInto('trigger_event_payloads')
          .values({ event_id: inserted.id, payload: event.payload })
          .execute();
        answers.push({ event: toTriggerEvent(inserted), duplicate: false });
        continue;
      }
      const earlier = await trx
        .selectFrom('trigger_events')
        .select(TRIGGER_EVENT_COLUMNS)
        .where('project_id', '=', event.projectId)
        .where('source', '=', event.source)
        .where('delivery_id', '=', event.deliveryId)
        .executeTakeFirstOrThrow();
      answers.push({ event: toTriggerEvent(earlier), duplicate: true });
    }
    return answers;
  });
}
