import type { OutputStream, StepOutcome, StepRequest, UserErrorKind } from '@slipway/core/ports';

/*
 * The messages between a StepRunnerExecutor (the parent) and its step runner (a small
 * child Node.js process that forks the steps). They travel over the IPC channel of
 * `child_process.fork` with `serialization: 'advanced'`, so output chunks arrive as
 * bytes. Every message names its step by `id`, a number the parent chose in `run`.
 *
 * Order, per step, as the runner sends it: at most one `started`, then its `output`
 * messages in the order the step wrote them, then exactly one `done` or `failed`. The
 * channel keeps that order, so the parent has seen all of a step's output when its `done`
 * arrives. Messages of concurrent steps interleave.
 */

/** Parent → runner: run a step. */
export interface RunMessage {
  readonly type: 'run';
  readonly id: number;
  readonly request: StepRequest;
  /** The step's cancel had been requested before it was handed over. */
  readonly cancelled: boolean;
  /** The step's kill had been requested before it was handed over. */
  readonly killed: boolean;
}

/** Parent → runner: stop a step gracefully (its cancel signal was aborted). */
export interface CancelMessage {
  readonly type: 'cancel';
  readonly id: number;
}

/** Parent → runner: stop a step at once (its kill signal was aborted). */
export interface KillMessage {
  readonly type: 'kill';
  readonly id: number;
}

/**
 * Parent → runner: run a command to its end and capture its output (git, say); no shell.
 * A `kill` with the same id ends it.
 */
export interface ExecMessage {
  readonly type: 'exec';
  readonly id: number;
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd?: string | undefined;
  /** The command's whole environment; variables set to undefined are left out. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Output beyond this many bytes (per stream) ends the command. */
  readonly maxBuffer: number;
}

/** Everything the parent sends. Messages for a step or command that has ended are ignored. */
export type ParentMessage = RunMessage | CancelMessage | KillMessage | ExecMessage;

/**
 * Runner → parent: the step's main process started; `pid` is also its process group.
 * The parent kills that group itself if the runner dies while the step runs.
 */
export interface StartedMessage {
  readonly type: 'started';
  readonly id: number;
  readonly pid: number;
}

/** Runner → parent: one chunk the step wrote, as it was read. */
export interface OutputMessage {
  readonly type: 'output';
  readonly id: number;
  readonly stream: OutputStream;
  readonly chunk: Uint8Array;
}

/** Runner → parent: the step ended; the last message about it. */
export interface DoneMessage {
  readonly type: 'done';
  readonly id: number;
  readonly outcome: StepOutcome;
}

/**
 * Runner → parent: running the step threw instead of ending; the last message about it.
 * A `UserError` comes back as one of the same `kind`; anything else is a bug.
 */
export interface FailedMessage {
  readonly type: 'failed';
  readonly id: number;
  readonly message: string;
  readonly userError: boolean;
  /** Set when `userError` is true. */
  readonly kind?: UserErrorKind;
  /** The runner's stack trace of a bug, to show with it. */
  readonly stack?: string;
}

/** Runner → parent: a command of an `exec` ended (or could not start, see `errorCode`). */
export interface ExecDoneMessage {
  readonly type: 'exec-done';
  readonly id: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Null when a signal ended it, or it never started. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Why it did not run to its end, such as `ENOENT` (no such program) or `ABORT_ERR`. */
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** Everything the runner sends. */
export type RunnerMessage =
  StartedMessage | OutputMessage | DoneMessage | FailedMessage | ExecDoneMessage;
