import type { StoredArtifact } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** Artifacts joined with their attempts, selecting what a {@link StoredArtifact} is made of. */
export function selectArtifacts(ctx: StoreContext) {
  return ctx.db
    .selectFrom('artifacts as f')
    .innerJoin('attempts as a', 'a.id', 'f.attempt_id')
    .select([
      'f.attempt_id',
      'f.path',
      'f.size',
      'f.sha256',
      'f.created_at',
      'a.run_id',
      'a.task_id',
      'a.position',
    ]);
}

type ArtifactRow = Awaited<ReturnType<ReturnType<typeof selectArtifacts>['execute']>>[number];

/** A row of {@link selectArtifacts} as the port's record. */
export function toStoredArtifact(row: ArtifactRow): StoredArtifact {
  return {
    attemptId: row.attempt_id,
    runId: row.run_id,
    taskId: row.task_id,
    path: row.path,
    size: row.size,
    sha256: row.sha256,
    createdAt: row.created_at,
  };
}
