import type { NewArtifact } from '@slipway/core';
import { holdsAttempt } from '../rows/held-attempt.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Records a stored file of an attempt the agent holds, replacing the record of the same
 * path; false, recording nothing, when the agent does not hold the attempt.
 */
export function recordArtifact(ctx: StoreContext, artifact: NewArtifact): Promise<boolean> {
  return writeTransaction(ctx, async (trx) => {
    if (!(await holdsAttempt(ctx, trx, artifact.attemptId, artifact.agentId))) return false;
    await trx
      .insertInto('artifacts')
      .values({
        attempt_id: artifact.attemptId,
        path: artifact.path,
        size: artifact.size,
        sha256: artifact.sha256,
        created_at: artifact.now,
      })
      .onConflict((oc) =>
        oc.columns(['attempt_id', 'path']).doUpdateSet((eb) => ({
          size: eb.ref('excluded.size'),
          sha256: eb.ref('excluded.sha256'),
          created_at: eb.ref('excluded.created_at'),
        })),
      )
      .execute();
    return true;
  });
}
