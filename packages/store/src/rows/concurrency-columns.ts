import { RunStatus, type Plan } from '@slipway/core';
import type { RunsTable } from '../database.js';

/** A new run's status: `waiting` for a slot when its plan names a concurrency group. */
export function initialRunStatus(plan: Plan): RunStatus {
  return plan.concurrency === null ? RunStatus.Queued : RunStatus.Waiting;
}

/** The concurrency-group columns of a new run of `plan`. */
export function concurrencyColumns(
  plan: Plan,
): Pick<RunsTable, 'concurrency_group' | 'concurrency_limit' | 'admitted' | 'cancel_pending'> {
  const policy = plan.concurrency;
  return {
    concurrency_group: policy?.group ?? null,
    concurrency_limit: policy?.limit ?? null,
    admitted: policy === null ? 1 : 0,
    cancel_pending: 0,
  };
}

/** The statuses of runs that have not finished. */
export const UNFINISHED_RUN_STATUSES = [
  RunStatus.Queued,
  RunStatus.Waiting,
  RunStatus.Running,
] as const;

/**
 * The status to store for a run an update leaves at `status`: a run still waiting for a
 * slot in its concurrency group (`admitted` 0) stays `waiting` until it finishes (it may
 * be cancelled while it waits), and starting it is a bug: it starts once admitted.
 */
export function statusToStore(runId: string, admitted: number, status: RunStatus): RunStatus {
  if (admitted !== 0) return status;
  switch (status) {
    case RunStatus.Queued:
    case RunStatus.Waiting:
      return RunStatus.Waiting;
    case RunStatus.Running:
      throw new Error(
        `run ${runId} waits for a slot in its concurrency group; it starts once admitted`,
      );
    case RunStatus.Succeeded:
    case RunStatus.Failed:
    case RunStatus.Cancelled:
    case RunStatus.TimedOut:
      return status;
  }
}
