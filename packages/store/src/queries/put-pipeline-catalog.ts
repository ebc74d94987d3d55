import type { PipelineCatalog } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Stores a project's pipeline catalog in one statement, replacing the one it had. */
export async function putPipelineCatalog(
  ctx: StoreContext,
  catalog: PipelineCatalog,
): Promise<void> {
  await retryTransient(ctx, () =>
    ctx.db
      .insertInto('pipeline_catalogs')
      .values({
        project_id: catalog.projectId,
        commit_id: catalog.commit,
        pipelines: JSON.stringify(catalog.pipelines),
        read_at: catalog.readAt,
      })
      .onConflict((oc) =>
        oc.column('project_id').doUpdateSet((eb) => ({
          commit_id: eb.ref('excluded.commit_id'),
          pipelines: eb.ref('excluded.pipelines'),
          read_at: eb.ref('excluded.read_at'),
        })),
      )
      .execute(),
  );
}
