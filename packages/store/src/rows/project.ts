import type { Project } from '@slipway/core';
import type { ProjectsTable } from '../database.js';

/** The columns of `projects` a {@link Project} is made of. */
export const PROJECT_COLUMNS = [
  'id',
  'name',
  'source',
  'default_branch',
  'created_at',
] as const satisfies readonly (keyof ProjectsTable)[];

type ProjectRow = Pick<ProjectsTable, (typeof PROJECT_COLUMNS)[number]>;

/** A `projects` row as the port's record. */
export function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    defaultBranch: row.default_branch,
    createdAt: row.created_at,
  };
}
