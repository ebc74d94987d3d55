import type { CommitStatusSettlement } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Records how delivering an outbox row went. */
export async function settleCommitStatus(
  ctx: StoreContext,
  settlement: CommitStatusSettlement,
): Promise<void> {
  await retryTransient(ctx, () =>
    ctx.db
      .updateTable('commit_statuses')
      .set({
        reported: settlement.reported,
        attempts: settlement.attempts,
        next_attempt_at: settlement.nextAttemptAt,
        last_error: settlement.lastError,
      })
      .where('id', '=', settlement.id)
      .execute(),
  );
}
