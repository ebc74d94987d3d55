import type { ChatProvider, ProjectChat } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** Where a project's chat messages go; null when nowhere. */
export async function findProjectChat(
  ctx: StoreContext,
  projectId: string,
  provider: ChatProvider,
): Promise<ProjectChat | null> {
  const row = await ctx.db
    .selectFrom('project_chats')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    projectId,
    provider,
    sealedWebhookUrl: row.sealed_webhook_url,
    channel: row.channel,
    updatedAt: row.updated_at,
  };
}
