import { TriggerEventStatus, type TriggerEventSettlement } from '@slipway/core';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/** Settles pending events with their outcomes in one transaction; returns the ids settled. */
export function settleTriggerEvents(
  ctx: StoreContext,
  settlements: readonly TriggerEventSettlement[],
): Promise<string[]> {
  if (settlements.length === 0) return Promise.resolve([]);
  return writeTransaction(ctx, async (trx) => {
    const settled: string[] = [];
    for (const settlement of settlements) {
      const result = await trx
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
        .executeTakeFirst();
      if (result.numUpdatedRows > 0n) settled.push(settlement.id);
    }
    return settled;
  });
}
