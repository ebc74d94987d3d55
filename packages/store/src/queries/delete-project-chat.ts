import type { ChatProvider } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Stops sending a project's chat messages; false when none were set. */
export async function deleteProjectChat(
  ctx: StoreContext,
  projectId: string,
  provider: ChatProvider,
): Promise<boolean> {
  const result = await retryTransient(ctx, () =>
    ctx.db
      .deleteFrom('project_chats')
      .where('project_id', '=', projectId)
      .where('provider', '=', provider)
      .executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}
