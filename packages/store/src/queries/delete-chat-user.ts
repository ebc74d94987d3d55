import type { ChatProvider } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Removes a chat user's mapping; false when there was none. */
export async function deleteChatUser(
  ctx: StoreContext,
  provider: ChatProvider,
  externalId: string,
): Promise<boolean> {
  const result = await retryTransient(ctx, () =>
    ctx.db
      .deleteFrom('chat_users')
      .where('provider', '=', provider)
      .where('external_id', '=', externalId)
      .executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}
