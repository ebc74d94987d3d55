import type { LeaseAnswer } from '@slipway/core';
import { StopMode } from '@slipway/core';
import { AttemptStatus } from '../attempt-status.js';
import { chunks } from '../rows/chunks.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Extends the leases of the attempts the agent still holds; each answer says whether the
 * agent goes on, stops (a stop was requested), or has lost the attempt.
 */
export async function renewLeases(
  ctx: StoreContext,
  agentId: string,
  attemptIds: readonly string[],
  leaseUntil: number,
): Promise<Record<string, LeaseAnswer>> {
  if (attemptIds.length === 0) return {};
  const held = await writeTransaction(ctx, async (trx) => {
    const rows: { id: string; stop_mode: string | null }[] = [];
    for (const batch of chunks(attemptIds)) {
      rows.push(
        ...(await trx
          .updateTable('attempts')
          .set({ lease_until: leaseUntil })
          .where('id', 'in', batch)
          .where('agent_id', '=', agentId)
          .where('status', '=', AttemptStatus.Claimed)
          .returning(['id', 'stop_mode'])
          .execute()),
      );
    }
    return new Map(rows.map((row) => [row.id, row.stop_mode]));
  });
  const answers: Record<string, LeaseAnswer> = {};
  for (const id of attemptIds) {
    const stopMode = held.get(id);
    answers[id] =
      stopMode === undefined
        ? { status: 'gone' }
        : stopMode === null
          ? { status: 'ok' }
          : { status: 'stop', mode: stopMode === StopMode.Kill ? StopMode.Kill : StopMode.Cancel };
  }
  return answers;
}
