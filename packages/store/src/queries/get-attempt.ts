import type { AttemptInfo } from '@slipway/core';
import { selectAttemptInfo, toAttemptInfo } from '../rows/attempt-info.js';
import type { StoreContext } from '../store-context.js';

/** An attempt by id, or null. */
export async function getAttempt(
  ctx: StoreContext,
  attemptId: string,
): Promise<AttemptInfo | null> {
  return toAttemptInfo(
    await selectAttemptInfo(ctx).where('a.id', '=', attemptId).executeTakeFirst(),
  );
}
