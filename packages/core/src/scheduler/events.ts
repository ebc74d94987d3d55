/** How one attempt of a task ended, as the engine or an agent reports it. */
export const AttemptOutcome = {
  Succeeded: 'succeeded',
  Failed: 'failed',
  TimedOut: 'timed_out',
  Cancelled: 'cancelled',
  /** The agent running the attempt stopped renewing its lease. */
  Lost: 'lost',
} as const;
export type AttemptOutcome = (typeof AttemptOutcome)[keyof typeof AttemptOutcome];

/** What a person decided about an approval task. */
export const ApprovalDecision = { Approve: 'approve', Reject: 'reject' } as const;
export type ApprovalDecision = (typeof ApprovalDecision)[keyof typeof ApprovalDecision];

/** Something that happened to a run; the input of {@link decide}. */
export type SchedulerEvent =
  | { readonly type: 'run_started' }
  | {
      readonly type: 'attempt_finished';
      readonly taskId: string;
      readonly attempt: number;
      readonly outcome: AttemptOutcome;
      /** Declared results of a succeeded attempt. */
      readonly results?: Readonly<Record<string, string>>;
      /** Why the attempt did not succeed, shown as the task's reason. */
      readonly error?: string | null;
    }
  /** Stop gracefully: running attempts are asked to stop, `finally` tasks still run. */
  | { readonly type: 'cancel_requested' }
  /** Stop at once: running attempts are killed and `finally` tasks do not run. */
  | { readonly type: 'kill_requested' }
  | { readonly type: 'run_timed_out' }
  /**
   * Time has passed; attempts waiting for their backoff may become ready and approvals
   * whose timeout has passed fail.
   */
  | { readonly type: 'tick' }
  /** A person approved or rejected an approval task that awaits a decision. */
  | {
      readonly type: 'approval_decided';
      readonly task: string;
      readonly decision: ApprovalDecision;
      /** Who decided: a user name. */
      readonly by: string;
      readonly comment: string | null;
      /** When the decision was made (milliseconds since the epoch). */
      readonly at: number;
    };
