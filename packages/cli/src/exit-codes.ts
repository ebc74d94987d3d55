import { RunStatus, UserErrorKind } from '@slipway/core';

/** What `slipway` exits with; scripts and CI rely on these. */
export const ExitCode = {
  Succeeded: 0,
  /** The run finished and a task failed. */
  RunFailed: 1,
  /** A pipeline file, flag or parameter is wrong; nothing ran. */
  ConfigOrUsage: 2,
  /** Something the machine must provide is missing (a container engine, git). */
  Environment: 3,
  /** The run hit its timeout. */
  TimedOut: 124,
  /** A bug in Slipway. */
  Internal: 70,
  /** The run was cancelled (Ctrl-C). */
  Cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeForUserError(kind: UserErrorKind): ExitCode {
  switch (kind) {
    case UserErrorKind.Config:
    case UserErrorKind.Usage:
    case UserErrorKind.NotFound:
      return ExitCode.ConfigOrUsage;
    case UserErrorKind.Environment:
      return ExitCode.Environment;
  }
}

/** The exit code for how a finished run ended, locally or on a server. */
export function exitCodeForRunStatus(status: RunStatus): ExitCode {
  switch (status) {
    case RunStatus.Succeeded:
      return ExitCode.Succeeded;
    case RunStatus.Failed:
      return ExitCode.RunFailed;
    case RunStatus.Cancelled:
      return ExitCode.Cancelled;
    case RunStatus.TimedOut:
      return ExitCode.TimedOut;
    case RunStatus.Queued:
    case RunStatus.Running:
    case RunStatus.Waiting:
      throw new Error(`the run ended in the unfinished status ${status}`);
  }
}
