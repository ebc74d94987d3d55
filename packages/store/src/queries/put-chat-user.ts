import type { ChatUserLink } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Maps a chat user to a Slipway user, replacing the chat user's earlier mapping. */
export async function putChatUser(ctx: StoreContext, link: ChatUserLink): Promise<void> {
  await retryTransient(ctx, () =>
    ctx.db
      .insertInto('chat_users')
      .values({
        provider: link.provider,
        external_id: link.externalId,
        user_name: link.userName,
        updated_at: link.updatedAt,
      })
      .onConflict((oc) =>
        oc.columns(['provider', 'external_id']).doUpdateSet((eb) => ({
          user_name: eb.ref('excluded.user_name'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute(),
  );
}
