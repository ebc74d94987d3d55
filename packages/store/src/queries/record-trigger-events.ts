import {
  TriggerEventStatus,
  type NewTriggerEvent,
  type RecordedTriggerEvent,
  type TriggerEventRecord,
} from '@slipway/core';
import { TRIGGER_EVENT_COLUMNS, toTriggerEvent } from '../rows/trigger-event.js';
import { timeSortedId } from '../rows/time-sorted-id.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Stores trigger events `pending`, or `ignored` and settled when their
 * {@link NewTriggerEvent.ignored} says why, in one transaction (one commit, however many
 * events: the webhook intake groups concurrent deliveries this way), with one insert of
 * the events and one of their payloads. An event whose (project, source, delivery id) exists
 * already, stored before or earlier in this call, is not stored again and is answered
 * with the earlier event as a duplicate. Ids start with the arrival time, so they sort
 * by it.
 */
export function recordTriggerEvents(
  ctx: StoreContext,
  events: readonly NewTriggerEvent[],
): Promise<RecordedTriggerEvent[]> {
  if (events.length === 0) return Promise.resolve([]);
  return writeTransaction(ctx, async (trx) => {
    const ids = events.map((event) => timeSortedId(event.receivedAt));
    const inserted = new Map(
      (
        await trx
          .insertInto('trigger_events')
          .values(
            events.map((event, i) => ({
              id: ids[i] ?? '',
              project_id: event.projectId,
              source: event.source,
              delivery_id: event.deliveryId,
              kind: event.kind,
              received_at: event.receivedAt,
              status:
                event.ignored === undefined
                  ? TriggerEventStatus.Pending
                  : TriggerEventStatus.Ignored,
              outcome: event.ignored ?? null,
              run_ids: '[]',
              processed_at: event.ignored === undefined ? null : event.receivedAt,
              claimed_by: null,
              claimed_until: null,
            })),
          )
          .onConflict((oc) => oc.columns(['project_id', 'source', 'delivery_id']).doNothing())
          .returning(TRIGGER_EVENT_COLUMNS)
          .execute()
      ).map((row) => [row.id, toTriggerEvent(row)]),
    );
    const payloads = events.flatMap((event, i) => {
      const id = ids[i] ?? '';
      return inserted.has(id) ? [{ event_id: id, payload: event.payload }] : [];
    });
    if (payloads.length > 0)
      await trx.insertInto('trigger_event_payloads').values(payloads).execute();

    const answers: RecordedTriggerEvent[] = [];
    for (const [i, event] of events.entries()) {
      const stored = inserted.get(ids[i] ?? '');
      if (stored !== undefined) {
        answers.push({ event: stored, duplicate: false });
        continue;
      }
      const earlier: TriggerEventRecord = toTriggerEvent(
        await trx
          .selectFrom('trigger_events')
          .select(TRIGGER_EVENT_COLUMNS)
          .where('project_id', '=', event.projectId)
          .where('source', '=', event.source)
          .where('delivery_id', '=', event.deliveryId)
          .executeTakeFirstOrThrow(),
      );
      answers.push({ event: earlier, duplicate: true });
    }
    return answers;
  });
}
