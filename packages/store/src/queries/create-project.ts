import { randomUUID } from 'node:crypto';
import { UserError, UserErrorKind, type NewProject, type Project } from '@slipway/core';
import { toProject, PROJECT_COLUMNS } from '../rows/project.js';
import { retryTransient } from '../retry-transient.js';
import type { StoreContext } from '../store-context.js';

/** Stores a project; a name that is taken is the user's to change. */
export async function createProject(ctx: StoreContext, project: NewProject): Promise<Project> {
  const row = await retryTransient(ctx, () =>
    ctx.db
      .insertInto('projects')
      .values({
        id: randomUUID(),
        name: project.name,
        source: project.source,
        default_branch: project.defaultBranch,
        run_count: 0,
        created_at: Date.now(),
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning(PROJECT_COLUMNS)
      .executeTakeFirst(),
  );
  if (row === undefined) {
    throw new UserError(
      UserErrorKind.Usage,
      `A project named "${project.name}" exists already; choose another name.`,
    );
  }
  return toProject(row);
}
