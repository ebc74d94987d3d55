import { UserError, UserErrorKind, type NewSecret, type SecretInfo } from '@slipway/core';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/** Stores a secret, replacing the project's secret of the same name. */
export function putSecret(ctx: StoreContext, secret: NewSecret): Promise<SecretInfo> {
  return writeTransaction(ctx, async (trx) => {
    const project = await trx
      .selectFrom('projects')
      .select('id')
      .where('id', '=', secret.projectId)
      .executeTakeFirst();
    if (project === undefined) {
      throw new UserError(UserErrorKind.NotFound, `There is no project ${secret.projectId}.`);
    }
    await trx
      .insertInto('secrets')
      .values({
        project_id: secret.projectId,
        name: secret.name,
        ciphertext: secret.ciphertext,
        updated_at: secret.updatedAt,
      })
      .onConflict((oc) =>
        oc.columns(['project_id', 'name']).doUpdateSet((eb) => ({
          ciphertext: eb.ref('excluded.ciphertext'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    return { name: secret.name, updatedAt: secret.updatedAt };
  });
}
