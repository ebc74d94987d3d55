import type { PollResult } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Stores what a poll found in one statement; false when the project is no longer polled. */
export async function savePollResult(ctx: StoreContext, result: PollResult): Promise<boolean> {
  const updated = await retryTransient(ctx, () =>
    ctx.db
      .updateTable('project_polls')
      .set({
        next_poll_at: result.nextPollAt,
        heads: result.heads === null ? null : JSON.stringify(result.heads),
        breaker: result.breaker,
        breaker_reason: result.breakerReason,
        breaker_opened_at: result.breakerOpenedAt,
        failures: result.failures,
        last_error: result.lastError,
        last_polled_at: result.lastPolledAt,
      })
      .where('project_id', '=', result.projectId)
      .executeTakeFirst(),
  );
  return updated.numUpdatedRows > 0n;
}
