import { CommitSync, TriggerEventStatus, type ClaimedTriggerEvent } from '@slipway/core';
import { TRIGGER_EVENT_COLUMNS, toTriggerEvent } from '../rows/trigger-event.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Claims up to `limit` pending events whose claim is free or lapsed, oldest first, for
 * `holder` until `until`. On PostgreSQL the candidates are locked with `SKIP LOCKED`, so
 * replicas claiming at once take disjoint events; the claim check in the update itself
 * makes sure no event is claimed twice while a claim lasts. Committed
 * {@link CommitSync.Later}: a claim undone by a crash of the machine leaves its events
 * pending and unclaimed, to be claimed again.
 */
export function claimTriggerEvents(
  ctx: StoreContext,
  holder: string,
  now: number,
  until: number,
  limit: number,
): Promise<ClaimedTriggerEvent[]> {
  if (limit <= 0) return Promise.resolve([]);
  return writeTransaction(
    ctx,
    async (trx) => {
      const candidates = await trx
        .selectFrom('trigger_events')
        .select('id')
        .where('status', '=', TriggerEventStatus.Pending)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .orderBy('id')
        .limit(limit)
        .$if(ctx.dialect.locksRows, (q) => q.forUpdate().skipLocked())
        .execute();
      if (candidates.length === 0) return [];
      const claimed = await trx
        .updateTable('trigger_events')
        .set({ claimed_by: holder, claimed_until: until })
        .where(
          'id',
          'in',
          candidates.map((row) => row.id),
        )
        .where('status', '=', TriggerEventStatus.Pending)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .returning(TRIGGER_EVENT_COLUMNS)
        .execute();
      const payloads = new Map(
        (
          await trx
            .selectFrom('trigger_event_payloads')
            .select(['event_id', 'payload'])
            .where(
              'event_id',
              'in',
              claimed.map((row) => row.id),
            )
            .execute()
        ).map((row) => [row.event_id, row.payload]),
      );
      return claimed
        .map((row) => ({ ...toTriggerEvent(row), payload: payloads.get(row.id) ?? '{}' }))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    CommitSync.Later,
  );
}
