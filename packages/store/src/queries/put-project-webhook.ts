import type { ProjectWebhook } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Stores a project's webhook settings, replacing the ones it had. */
export async function putProjectWebhook(ctx: StoreContext, webhook: ProjectWebhook): Promise<void> {
  await retryTransient(ctx, () =>
    ctx.db
      .insertInto('project_webhooks')
      .values({
        project_id: webhook.projectId,
        forge: webhook.forge,
        sealed_secret: webhook.sealedSecret,
        updated_at: webhook.updatedAt,
      })
      .onConflict((oc) =>
        oc.column('project_id').doUpdateSet((eb) => ({
          forge: eb.ref('excluded.forge'),
          sealed_secret: eb.ref('excluded.sealed_secret'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute(),
  );
}
