import type { AttemptInfo } from '@slipway/core';
import { selectAttemptInfo, toAttemptInfo } from '../rows/attempt-info.js';
import type { StoreContext } from '../store-context.js';

/** The attempt of a run's task with the given number, or null. */
export async function findAttempt(
  ctx: StoreContext,
  runId: string,
  taskId: string,
  attempt: number,
): Promise<AttemptInfo | null> {
  return toAttemptInfo(
    await selectAttemptInfo(ctx)
      .where('a.run_id', '=', runId)
      .where('a.task_id', '=', taskId)
      .where('a.attempt', '=', attempt)
      .executeTakeFirst(),
  );
}
