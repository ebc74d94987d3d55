import type { PullRequestMerge, PullRequestRecord } from '@slipway/core';
import type { PullRequestsTable } from '../database.js';
import { parseJson } from './json.js';

/** A `pull_requests` row as the port's record. */
export function toPullRequest(row: PullRequestsTable): PullRequestRecord {
  return {
    projectId: row.project_id,
    number: row.number,
    headCommit: row.head_commit,
    state: row.state === 'open' || row.state === 'closed' ? row.state : null,
    stateAt: row.state_at,
    labels: parseJson(row.labels) as PullRequestRecord['labels'],
    waitingEventId: row.waiting_event_id,
    merge: row.merge === null ? null : (parseJson(row.merge) as PullRequestMerge),
    updatedAt: row.updated_at,
  };
}
