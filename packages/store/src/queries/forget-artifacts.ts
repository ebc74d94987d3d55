import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/** Deletes the artifact records of these runs' own attempts and marks the runs. */
export async function forgetArtifacts(
  ctx: StoreContext,
  runIds: readonly string[],
  now: number,
): Promise<void> {
  if (runIds.length === 0) return;
  await writeTransaction(ctx, async (trx) => {
    await trx
      .deleteFrom('artifacts')
      .where('attempt_id', 'in', (eb) =>
        eb
          .selectFrom('attempts')
          .select('id')
          .where('run_id', 'in', [...runIds]),
      )
      .execute();
    await trx
      .updateTable('runs')
      .set({ artifacts_expired_at: now })
      .where('id', 'in', [...runIds])
      .execute();
  });
}
