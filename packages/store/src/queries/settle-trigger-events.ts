import { CommitSync, TriggerEventStatus, type TriggerEventSettlement } from '@slipway/core';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Settles pending events with their outcomes in one transaction, with one update per
 * distinct outcome; returns the ids settled. Settlements that started no runs are
 * committed {@link CommitSync.Later}: undone by a crash of the machine, their events are
 * handled again once their claims lapse, to the same effect. A settlement naming runs is
 * committed at once, so that its event never starts them twice.
 */
export function settleTriggerEvents(
  ctx: StoreContext,
  settlements: readonly TriggerEventSettlement[],
): Promise<string[]> {
  if (settlements.length === 0) return Promise.resolve([]);
  const alike = new Map<string, TriggerEventSettlement[]>();
  for (const settlement of settlements) {
    const { status, outcome, runIds, processedAt } = settlement;
    const key = JSON.stringify([status, outcome, runIds, processedAt]);
    const group = alike.get(key);
    if (group === undefined) alike.set(key, [settlement]);
    else group.push(settlement);
  }
  const startedRuns = settlements.some((settlement) => settlement.runIds.length > 0);
  return writeTransaction(
    ctx,
    async (trx) => {
      const settled = new Set<string>();
      for (const group of alike.values()) {
        const [{ status, outcome, runIds, processedAt }] = group as [TriggerEventSettlement];
        const rows = await trx
          .updateTable('trigger_events')
          .set({
            status,
            outcome,
            run_ids: JSON.stringify(runIds),
            processed_at: processedAt,
            claimed_by: null,
            claimed_until: null,
          })
          .where(
            'id',
            'in',
            group.map((settlement) => settlement.id),
          )
          .where('status', '=', TriggerEventStatus.Pending)
          .returning('id')
          .execute();
        for (const row of rows) settled.add(row.id);
      }
      return [...new Set(settlements.map((settlement) => settlement.id))].filter((id) =>
        settled.has(id),
      );
    },
    startedRuns ? CommitSync.Now : CommitSync.Later,
  );
}
