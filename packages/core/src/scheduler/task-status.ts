/**
 * The life of one task within a run.
 *
 *   pending ──► ready ──► running ──► succeeded | failed | cancelled | lost
 *      │          │          │
 *      │          │          └──► pending (retry: a new attempt, with a not-before time)
 *      │          ├──► cancelled
 *      │          └──► waiting ──► succeeded | failed | cancelled   (approval tasks)
 *      └──► skipped | cancelled | failed
 *
 * A task stays pending until every task it needs has settled. Then its `when` condition
 * decides: true makes it ready, false skips it, and a condition that cannot be evaluated
 * fails it. Ready tasks wait for capacity and start in plan order. A failed, timed-out or
 * lost attempt with retries left sends the task back to pending until its backoff has
 * passed; it then becomes ready again without its condition being evaluated twice. A
 * cancel or a matrix fail-fast cancels tasks that have not started and stops running
 * ones. An approval task never starts an attempt: once ready it is `waiting`, awaiting a
 * person's decision. Approving it makes it succeeded, rejecting it or letting its timeout
 * pass makes it failed, and a cancel, kill or run timeout cancels it. The five settled
 * statuses are terminal: once there, a task never changes again.
 */
export const TaskStatus = {
  Pending: 'pending',
  Ready: 'ready',
  Running: 'running',
  /** An approval task awaiting a decision. */
  Waiting: 'waiting',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Skipped: 'skipped',
  Cancelled: 'cancelled',
  Lost: 'lost',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

/** True for the terminal statuses: the task has settled and will never change again. */
export function isTaskSettled(status: TaskStatus): boolean {
  switch (status) {
    case TaskStatus.Pending:
    case TaskStatus.Ready:
    case TaskStatus.Running:
    case TaskStatus.Waiting:
      return false;
    case TaskStatus.Succeeded:
    case TaskStatus.Failed:
    case TaskStatus.Skipped:
    case TaskStatus.Cancelled:
    case TaskStatus.Lost:
      return true;
  }
}

/** Whether a task may move from `from` to `to`; see the diagram above. */
export function canTaskMove(from: TaskStatus, to: TaskStatus): boolean {
  switch (from) {
    case TaskStatus.Pending:
      return (
        to === TaskStatus.Ready ||
        to === TaskStatus.Skipped ||
        to === TaskStatus.Cancelled ||
        to === TaskStatus.Failed
      );
    case TaskStatus.Ready:
      return to === TaskStatus.Running || to === TaskStatus.Waiting || to === TaskStatus.Cancelled;
    case TaskStatus.Running:
      return (
        to === TaskStatus.Pending ||
        to === TaskStatus.Succeeded ||
        to === TaskStatus.Failed ||
        to === TaskStatus.Cancelled ||
        to === TaskStatus.Lost
      );
    case TaskStatus.Waiting:
      return to === TaskStatus.Succeeded || to === TaskStatus.Failed || to === TaskStatus.Cancelled;
    case TaskStatus.Succeeded:
    case TaskStatus.Failed:
    case TaskStatus.Skipped:
    case TaskStatus.Cancelled:
    case TaskStatus.Lost:
      return false;
  }
}
