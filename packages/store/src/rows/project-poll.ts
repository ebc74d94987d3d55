import type { PollBreaker, ProjectPoll } from '@slipway/core';
import type { ProjectPollsTable } from '../database.js';

/** A `project_polls` row as the store port shows it. */
export function toProjectPoll(row: ProjectPollsTable): ProjectPoll {
  return {
    projectId: row.project_id,
    intervalMs: row.interval_ms,
    nextPollAt: row.next_poll_at,
    heads: row.heads === null ? null : (JSON.parse(row.heads) as Record<string, string>),
    breaker: row.breaker as PollBreaker,
    breakerReason: row.breaker_reason,
    breakerOpenedAt: row.breaker_opened_at,
    failures: row.failures,
    lastError: row.last_error,
    lastPolledAt: row.last_polled_at,
  };
}
