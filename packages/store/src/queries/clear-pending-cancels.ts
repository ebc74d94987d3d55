import { chunks } from '../rows/chunks.js';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Notes that the cancels of superseded runs were applied. */
export async function clearPendingCancels(
  ctx: StoreContext,
  runIds: readonly string[],
): Promise<void> {
  for (const ids of chunks(runIds)) {
    await retryTransient(ctx, () =>
      ctx.db.updateTable('runs').set({ cancel_pending: 0 }).where('id', 'in', ids).execute(),
    );
  }
}
