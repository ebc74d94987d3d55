import type { ChatSettings } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Stores a chat service's settings, replacing the ones it had. */
export async function putChatSettings(ctx: StoreContext, settings: ChatSettings): Promise<void> {
  await retryTransient(ctx, () =>
    ctx.db
      .insertInto('chat_settings')
      .values({
        provider: settings.provider,
        sealed_signing_secret: settings.sealedSigningSecret,
        updated_at: settings.updatedAt,
      })
      .onConflict((oc) =>
        oc.column('provider').doUpdateSet((eb) => ({
          sealed_signing_secret: eb.ref('excluded.sealed_signing_secret'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute(),
  );
}
