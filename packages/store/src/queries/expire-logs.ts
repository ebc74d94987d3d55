import { expiredRuns } from '../rows/expired-runs.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Deletes the logs of up to `limit` runs that finished before `before` (see
 * {@link expiredRuns}): their attempts' chunks and per-step byte counts. Marks those
 * runs, so each is handled once; returns how many.
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
    for (const table of ['log_chunks', 'log_steps'] as const) {
      await trx
        .deleteFrom(table)
        .where('attempt_id', 'in', (eb) =>
          eb.selectFrom('attempts').select('id').where('run_id', 'in', runIds),
        )
        .execute();
    }
    await trx.updateTable('runs').set({ logs_expired_at: now }).where('id', 'in', runIds).execute();
    return runIds.length;
  });
}
