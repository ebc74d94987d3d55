import { UserErrorKind } from '@slipway/core/ports';

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
