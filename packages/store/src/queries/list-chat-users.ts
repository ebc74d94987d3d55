import type { ChatProvider, ChatUserLink } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** The mapping of one chat user (`externalId` given), or of all, by external id. */
export async function listChatUsers(
  ctx: StoreContext,
  provider: ChatProvider,
  externalId?: string,
): Promise<ChatUserLink[]> {
  let query = ctx.db.selectFrom('chat_users').selectAll().where('provider', '=', provider);
  if (externalId !== undefined) query = query.where('external_id', '=', externalId);
  const rows = await query.orderBy('external_id').execute();
  return rows.map((row) => ({
    provider,
    externalId: row.external_id,
    userName: row.user_name,
    updatedAt: row.updated_at,
  }));
}
