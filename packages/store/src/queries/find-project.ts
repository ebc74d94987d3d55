import type { Project } from '@slipway/core';
import { toProject, PROJECT_COLUMNS } from '../rows/project.js';
import type { StoreContext } from '../store-context.js';

/** A project by id or by name (the id wins when both match), or null. */
export async function findProject(ctx: StoreContext, idOrName: string): Promise<Project | null> {
  const rows = await ctx.db
    .selectFrom('projects')
    .select(PROJECT_COLUMNS)
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .execute();
  const row = rows.find((r) => r.id === idOrName) ?? rows[0];
  return row === undefined ? null : toProject(row);
}
