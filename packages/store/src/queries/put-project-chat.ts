import type { ProjectChat } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Stores where a project's chat messages go, replacing what it had. */
export async function putProjectChat(ctx: StoreContext, chat: ProjectChat): Promise<void> {
  await retryTransient(ctx, () =>
    ctx.db
      .insertInto('project_chats')
      .values({
        project_id: chat.projectId,
        provider: chat.provider,
        sealed_webhook_url: chat.sealedWebhookUrl,
        channel: chat.channel,
        updated_at: chat.updatedAt,
      })
      .onConflict((oc) =>
        oc.columns(['project_id', 'provider']).doUpdateSet((eb) => ({
          sealed_webhook_url: eb.ref('excluded.sealed_webhook_url'),
          channel: eb.ref('excluded.channel'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute(),
  );
}
