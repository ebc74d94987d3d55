import type { Forge, ProjectWebhook } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** A project's webhook settings; null when none were set. */
export async function findProjectWebhook(
  ctx: StoreContext,
  projectId: string,
): Promise<ProjectWebhook | null> {
  const row = await ctx.db
    .selectFrom('project_webhooks')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    projectId: row.project_id,
    forge: row.forge as Forge,
    sealedSecret: row.sealed_secret,
    updatedAt: row.updated_at,
  };
}
