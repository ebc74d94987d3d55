import type { MergeMethod, ProjectForge } from '@slipway/core';
import { parseJson } from '../rows/json.js';
import type { StoreContext } from '../store-context.js';

/** A project's forge API settings; null when none were set. */
export async function findProjectForge(
  ctx: StoreContext,
  projectId: string,
): Promise<ProjectForge | null> {
  const row = await ctx.db
    .selectFrom('project_forges')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    projectId: row.project_id,
    apiUrl: row.api_url,
    repository: row.repository,
    sealedToken: row.sealed_token,
    users: parseJson(row.users) as Record<string, string>,
    autoMerge: row.auto_merge as MergeMethod | null,
    updatedAt: row.updated_at,
  };
}
