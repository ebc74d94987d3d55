import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/**
 * Moves a due row's next attempt time from `seen` to `until` (a compare-and-set), so
 * one replica delivers it; false when another replica moved it first.
 */
export async function claimCommitStatus(
  ctx: StoreContext,
  id: string,
  seen: number,
  until: number,
): Promise<boolean> {
  const result = await retryTransient(ctx, () =>
    ctx.db
      .updateTable('commit_statuses')
      .set({ next_attempt_at: until })
      .where('id', '=', id)
      .where('next_attempt_at', '=', seen)
      .executeTakeFirst(),
  );
  return result.numUpdatedRows > 0n;
}
