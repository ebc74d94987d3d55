import { expiredRuns } from '../rows/expired-runs.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Deletes the log chunks of up to `limit` runs that finished before `before` (see
 * {@link expiredRuns}) and marks those runs, so each is handled once; returns how many.
 */
export function expireLogs(
  ctx: StoreContext,
  before: number,
  now: number,
  limit: number,
): Promise<number> {
  return writeTransaction(ctx, async (trx) => {
    const runIds = await expiredRuns(trx, 'logs_expired_at', before, limit);
    if (runIds.length === 0) return 0;
    await trx
      .deleteFrom('log_chunks')
      .where('attempt_id', 'in', (eb) =>
        eb.selectFrom('attempts').select('id').where('run_id', 'in', runIds),
      )
      .execute();
    await trx.updateTable('runs').set({ logs_expired_at: now }).where('id', 'in', runIds).execute();
    return runIds.length;
  });
}
