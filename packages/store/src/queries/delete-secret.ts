import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Removes a project's secret; false when there was none of that name. */
export async function deleteSecret(
  ctx: StoreContext,
  projectId: string,
  name: string,
): Promise<boolean> {
  const result = await retryTransient(ctx, () =>
    ctx.db
      .deleteFrom('secrets')
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}
