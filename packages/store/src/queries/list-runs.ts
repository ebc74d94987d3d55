import type { RunFilter, RunRecord } from '@slipway/core';
import { RUN_COLUMNS, toRunRecords } from '../rows/run-record.js';
import type { StoreContext } from '../store-context.js';

/**
 * Runs newest first: by number within a project, by creation time across projects.
 * Paging by number (`before`) needs a project, since numbers repeat across projects.
 */
export async function listRuns(ctx: StoreContext, filter: RunFilter): Promise<RunRecord[]> {
  const { projectId, projectIds, status, pipeline, branch, before, limit } = filter;
  if (projectIds?.length === 0) return [];
  if (before !== undefined && projectId === undefined) {
    throw new Error('listRuns: `before` pages by run number and needs `projectId`');
  }
  const rows = await ctx.db
    .selectFrom('runs')
    .select(RUN_COLUMNS)
    .$if(projectId !== undefined, (q) => q.where('project_id', '=', projectId ?? ''))
    .$if(projectIds !== undefined, (q) => q.where('project_id', 'in', projectIds ?? []))
    .$if(status !== undefined, (q) => q.where('status', '=', status ?? ''))
    .$if(pipeline !== undefined, (q) => q.where('pipeline', '=', pipeline ?? ''))
    .$if(branch !== undefined, (q) => q.where(ctx.dialect.triggerBranchIs(branch ?? '')))
    .$if(before !== undefined, (q) => q.where('number', '<', before ?? 0))
    .$if(projectId !== undefined, (q) => q.orderBy('number', 'desc'))
    .$if(projectId === undefined, (q) => q.orderBy('created_at', 'desc').orderBy('id', 'desc'))
    .limit(limit)
    .execute();
  return toRunRecords(ctx.db, rows);
}
