import type { Kysely } from 'kysely';
import { AttemptStatus } from '../attempt-status.js';
import type { StoreDatabase } from '../database.js';
import { chunks } from '../rows/chunks.js';

/** Marks the recorded outcomes of these attempts of one run as applied. */
export async function markOutcomesApplied(
  trx: Kysely<StoreDatabase>,
  runId: string,
  attemptIds: readonly string[],
): Promise<void> {
  for (const batch of chunks(attemptIds)) {
    await trx
      .updateTable('attempts')
      .set({ applied: 1 })
      .where('run_id', '=', runId)
      .where('id', 'in', batch)
      .where('status', '=', AttemptStatus.Settled)
      .execute();
  }
}
