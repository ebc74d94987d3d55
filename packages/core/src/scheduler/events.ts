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
  /** Time has passed; attempts waiting for their backoff may become ready. */
  | { readonly type: 'tick' };
