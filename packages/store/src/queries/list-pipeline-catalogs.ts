import type { CatalogPipeline, PipelineCatalog } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** Every project's pipeline catalog, by project id. */
export async function listPipelineCatalogs(ctx: StoreContext): Promise<PipelineCatalog[]> {
  const rows = await ctx.db
    .selectFrom('pipeline_catalogs')
    .selectAll()
    .orderBy('project_id')
    .execute();
  return rows.map(catalogOf);
}

/** A stored catalog row as the domain type. */
export function catalogOf(row: {
  readonly project_id: string;
  readonly commit_id: string;
  readonly pipelines: string;
  readonly read_at: number;
}): PipelineCatalog {
  return {
    projectId: row.project_id,
    commit: row.commit_id,
    pipelines: JSON.parse(row.pipelines) as CatalogPipeline[],
    readAt: row.read_at,
  };
}
