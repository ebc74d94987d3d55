/**
 * The life of a run.
 *
 *   queued ──► running ──► succeeded | failed | cancelled | timed_out
 *     │          ▲  │                     ▲
 *     │          │  ▼                     │
 *     │        waiting ───────────────────┘   (approvals)
 *     └──► cancelled | timed_out   (stopped before it started)
 *
 * A run is running from its start until every task has settled; its final status is
 * cancelled when a cancel or kill was requested, timed_out when the run's timeout fired,
 * failed when any task failed or was lost, and succeeded otherwise. A started run is
 * waiting instead of running while no attempt runs and at least one approval task awaits
 * a decision; a decision, an approval's timeout, a cancel or the run's timeout moves it on
 * (to running, or straight to its final status when nothing is left to run). The server
 * also stores a run `waiting` before it starts while it queues for a slot in its
 * concurrency group; from there it can only start (once admitted) or be cancelled or
 * time out. Terminal statuses never change.
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
      return to !== RunStatus.Queued && to !== RunStatus.Waiting;
    case RunStatus.Running:
      return to !== RunStatus.Queued && to !== RunStatus.Running;
    case RunStatus.Succeeded:
    case RunStatus.Failed:
    case RunStatus.Cancelled:
    case RunStatus.TimedOut:
      return false;
  }
}
