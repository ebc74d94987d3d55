import { TriggerEventStatus, type TriggerEventSettlement } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Settles a pending event with its outcome; false when it was settled already. */
export async function settleTriggerEvent(
  ctx: StoreContext,
  settlement: TriggerEventSettlement,
): Promise<boolean> {
  const result = await retryTransient(ctx, () =>
    ctx.db
      .updateTable('trigger_events')
      .set({
        status: settlement.status,
        outcome: settlement.outcome,
        run_ids: JSON.stringify(settlement.runIds),
        processed_at: settlement.processedAt,
        claimed_by: null,
        claimed_until: null,
      })
      .where('id', '=', settlement.id)
      .where('status', '=', TriggerEventStatus.Pending)
      .executeTakeFirst(),
  );
  return result.numUpdatedRows > 0n;
}
