import type { StoredArtifact } from '@slipway/core';
import { selectArtifacts, toStoredArtifact } from '../rows/artifact.js';
import { chunks } from '../rows/chunks.js';
import type { StoreContext } from '../store-context.js';

/**
 * Artifacts of these attempts, by the plan position of their tasks, then path (compared
 * by code unit here, so that both databases give the same order whatever their collation).
 */
export async function listArtifacts(
  ctx: StoreContext,
  attemptIds: readonly string[],
): Promise<StoredArtifact[]> {
  const rows = [];
  for (const ids of chunks([...new Set(attemptIds)])) {
    rows.push(...(await selectArtifacts(ctx).where('f.attempt_id', 'in', ids).execute()));
  }
  rows.sort(
    (a, b) =>
      a.position - b.position || compare(a.attempt_id, b.attempt_id) || compare(a.path, b.path),
  );
  return rows.map(toStoredArtifact);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
