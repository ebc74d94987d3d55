import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Stops polling a project; false when it was not polled. */
export async function deleteProjectPoll(ctx: StoreContext, projectId: string): Promise<boolean> {
  const result = await retryTransient(ctx, () =>
    ctx.db.deleteFrom('project_polls').where('project_id', '=', projectId).executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}
