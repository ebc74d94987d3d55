import { expiredRuns } from '../rows/expired-runs.js';
import type { StoreContext } from '../store-context.js';

/** Up to `limit` runs whose artifacts retention should remove; see {@link expiredRuns}. */
export function runsWithExpiredArtifacts(
  ctx: StoreContext,
  before: number,
  limit: number,
): Promise<string[]> {
  return expiredRuns(ctx.db, 'artifacts_expired_at', before, limit);
}
