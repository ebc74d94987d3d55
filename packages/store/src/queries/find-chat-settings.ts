import type { ChatProvider, ChatSettings } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** A chat service's settings; null when none were set. */
export async function findChatSettings(
  ctx: StoreContext,
  provider: ChatProvider,
): Promise<ChatSettings | null> {
  const row = await ctx.db
    .selectFrom('chat_settings')
    .selectAll()
    .where('provider', '=', provider)
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    provider,
    sealedSigningSecret: row.sealed_signing_secret,
    updatedAt: row.updated_at,
  };
}
