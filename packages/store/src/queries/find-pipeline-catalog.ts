import type { PipelineCatalog } from '@slipway/core';
import type { StoreContext } from '../store-context.js';
import { catalogOf } from './list-pipeline-catalogs.js';

/** A project's pipeline catalog; null when it was never read. */
export async function findPipelineCatalog(
  ctx: StoreContext,
  projectId: string,
): Promise<PipelineCatalog | null> {
  const row = await ctx.db
    .selectFrom('pipeline_catalogs')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row === undefined ? null : catalogOf(row);
}
