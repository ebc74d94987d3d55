import type { ProjectForge } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Stores a project's forge API settings, replacing the ones it had. */
export async function putProjectForge(ctx: StoreContext, forge: ProjectForge): Promise<void> {
  await retryTransient(ctx, () =>
    ctx.db
      .insertInto('project_forges')
      .values({
        project_id: forge.projectId,
        api_url: forge.apiUrl,
        repository: forge.repository,
        sealed_token: forge.sealedToken,
        users: JSON.stringify(forge.users),
        auto_merge: forge.autoMerge,
        updated_at: forge.updatedAt,
      })
      .onConflict((oc) =>
        oc.column('project_id').doUpdateSet((eb) => ({
          api_url: eb.ref('excluded.api_url'),
          repository: eb.ref('excluded.repository'),
          sealed_token: eb.ref('excluded.sealed_token'),
          users: eb.ref('excluded.users'),
          auto_merge: eb.ref('excluded.auto_merge'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute(),
  );
}
