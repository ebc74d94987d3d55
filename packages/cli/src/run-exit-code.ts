import { RunStatus } from '@slipway/core';
import { ExitCode } from './exit-codes.js';

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
