import type { CommitStatusRecord, RunStatus } from '@slipway/core';
import type { CommitStatusesTable } from '../database.js';

/** A `commit_statuses` row joined with its run's status. */
export type CommitStatusRow = CommitStatusesTable & { run_status: string | null };

/** A row as the port's record. */
export function toCommitStatus(row: CommitStatusRow): CommitStatusRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    runId: row.run_id,
    commit: row.commit_id,
    context: row.context,
    targetUrl: row.target_url,
    createdAt: row.created_at,
    runStatus: row.run_status as RunStatus | null,
    reported: row.reported,
    lastError: row.last_error,
  };
}
