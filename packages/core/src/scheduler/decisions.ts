import type { ApprovalDecision } from './events.js';
import type { RunStatus } from './run-status.js';
import type { TaskStatus } from './task-status.js';

/** How a running attempt is to be stopped: `cancel` asks politely, `kill` does not. */
export const StopMode = { Cancel: 'cancel', Kill: 'kill' } as const;
export type StopMode = (typeof StopMode)[keyof typeof StopMode];

/** What the caller of {@link decide} must do, in the order given. */
export type Decision =
  | { readonly type: 'start_attempt'; readonly taskId: string; readonly attempt: number }
  | {
      readonly type: 'stop_attempt';
      readonly taskId: string;
      readonly attempt: number;
      readonly mode: StopMode;
      readonly reason: string;
    }
  /** Send a `tick` event at (or after) this time. */
  | { readonly type: 'wake_at'; readonly time: number }
  /** A task changed status; for observers and stores. */
  | {
      readonly type: 'task_status';
      readonly taskId: string;
      readonly status: TaskStatus;
      readonly attempt: number;
      readonly reason: string | null;
    }
  /** An approval decision was accepted; record it (who, when, what, why). */
  | {
      readonly type: 'record_approval';
      readonly taskId: string;
      readonly decision: ApprovalDecision;
      readonly by: string;
      readonly comment: string | null;
      readonly at: number;
    }
  | { readonly type: 'finish_run'; readonly status: RunStatus };
