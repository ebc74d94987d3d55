/**
 * The life of a run.
 *
 *   queued ──► running ──► succeeded | failed | cancelled | timed_out
 *     │          ▲  │
 *     │          │  ▼
 *     │        waiting        (approvals, concurrency-group queues)
 *     └──► cancelled | timed_out   (stopped before it started)
 *
 * A run is running from its start until every task has settled; its final status is
 * cancelled when a cancel or kill was requested, timed_out when the run's timeout fired,
 * failed when any task failed or was lost, and succeeded otherwise. Terminal statuses
 * never change.
 */
export const RunStatus = {
  Queued: 'queued',
  Waiting: 'waiting',
  Running: 'running',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Cancelled: 'cancelled',
  TimedOut: 'timed_out',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

/** True for the terminal statuses. */
export function isRunFinished(status: RunStatus): boolean {
  switch (status) {
    case RunStatus.Queued:
    case RunStatus.Waiting:
    case RunStatus.Running:
      return false;
    case RunStatus.Succeeded:
    case RunStatus.Failed:
    case RunStatus.Cancelled:
    case RunStatus.TimedOut:
      return true;
  }
}

/** Whether a run may move from `from` to `to`; see the diagram above. */
export function canRunMove(from: RunStatus, to: RunStatus): boolean {
  switch (from) {
    case RunStatus.Queued:
      return to === RunStatus.Running || to === RunStatus.Cancelled || to === RunStatus.TimedOut;
    case RunStatus.Waiting:
      return to === RunStatus.Running || to === RunStatus.Cancelled || to === RunStatus.TimedOut;
    case RunStatus.Running:
      return to !== RunStatus.Queued && to !== RunStatus.Running;
    case RunStatus.Succeeded:
    case RunStatus.Failed:
    case RunStatus.Cancelled:
    case RunStatus.TimedOut:
      return false;
  }
}
