import type { StoredArtifact } from '@slipway/core';
import { selectArtifacts, toStoredArtifact } from '../rows/artifact.js';
import type { StoreContext } from '../store-context.js';

/** One artifact of an attempt by path, or null. */
export async function findArtifact(
  ctx: StoreContext,
  attemptId: string,
  path: string,
): Promise<StoredArtifact | null> {
  const row = await selectArtifacts(ctx)
    .where('f.attempt_id', '=', attemptId)
    .where('f.path', '=', path)
    .executeTakeFirst();
  return row === undefined ? null : toStoredArtifact(row);
}
