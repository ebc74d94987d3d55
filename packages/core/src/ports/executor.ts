/**
 * The executor port: runs one step of a task somewhere (a local process, a container,
 * a pod) and reports how it ended.
 *
 * Call order and concurrency: an engine calls {@link Executor.runStep} once per step, in
 * step order within a task; steps of different tasks may run concurrently on the same
 * executor, so implementations keep no per-step state outside the call. `runStep`
 * resolves when the step's processes have exited and its output has been delivered; it
 * rejects only for a bug or an unusable executor (a {@link UserError} of kind
 * `environment`), never because the script failed.
 */
export interface Executor {
  /** Short name shown to users, such as `process` or `container`. */
  readonly name: string;
  runStep(request: StepRequest, output: StepOutput, controls: StepControls): Promise<StepOutcome>;
}

/** Everything needed to run one step. Values arrive in `env`, never inside `script`. */
export interface StepRequest {
  /** Stable id of the task, used in names of processes or containers. */
  readonly taskId: string;
  readonly attempt: number;
  readonly stepIndex: number;
  readonly stepName: string;
  /** The step's script, passed to the shell as one argument. */
  readonly script: string;
  /** The shell's argv; the script is appended as the last argument. */
  readonly shell: readonly string[];
  /** The complete environment of the step; nothing else is inherited. */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute path of the directory the step starts in. */
  readonly workingDirectory: string;
  /** Absolute host paths a container must see at the same path (workspace, results). */
  readonly mounts: readonly string[];
  /** Container image; set only for tasks that declare one. */
  readonly image?: string | undefined;
  /** Kill the step after this many milliseconds. */
  readonly timeoutMs?: number | undefined;
  /** After a graceful stop request, how long to wait before killing. */
  readonly killGraceMs: number;
}

/** Where a step's output goes, chunk by chunk, in the order it was produced. */
export interface StepOutput {
  write(stream: OutputStream, chunk: Uint8Array): void;
}

export const OutputStream = { Stdout: 'stdout', Stderr: 'stderr' } as const;
export type OutputStream = (typeof OutputStream)[keyof typeof OutputStream];

/**
 * Ways to stop a running step. `cancel` asks politely (SIGTERM to the whole process
 * group, then SIGKILL after `killGraceMs`); `kill` stops it at once.
 */
export interface StepControls {
  readonly cancel: AbortSignal;
  readonly kill: AbortSignal;
}

export const StepEnd = {
  /** The script exited; see `exitCode`. */
  Exited: 'exited',
  /** The step ran longer than its timeout and was stopped. */
  TimedOut: 'timed_out',
  /** The step was stopped by a cancel or kill request. */
  Cancelled: 'cancelled',
  /** The script could not be started (shell or image missing). */
  StartFailed: 'start_failed',
} as const;
export type StepEnd = (typeof StepEnd)[keyof typeof StepEnd];

export interface StepOutcome {
  readonly end: StepEnd;
  /** Exit code when the process exited on its own; null when a signal ended it. */
  readonly exitCode: number | null;
  readonly durationMs: number;
  /** Why the step could not start, for `start_failed`. */
  readonly error?: string;
}
