import { CommitState, RunStatus } from '@slipway/core';

/** What a commit status says for a run status (null: a pipeline `on` skipped). */
export function commitStateOf(status: RunStatus | null): {
  readonly state: CommitState;
  readonly description: string;
} {
  if (status === null) return { state: CommitState.Success, description: 'skipped' };
  switch (status) {
    case RunStatus.Queued:
      return { state: CommitState.Pending, description: 'queued' };
    case RunStatus.Waiting:
      return { state: CommitState.Pending, description: 'waiting' };
    case RunStatus.Running:
      return { state: CommitState.Running, description: 'running' };
    case RunStatus.Succeeded:
      return { state: CommitState.Success, description: 'succeeded' };
    case RunStatus.Failed:
      return { state: CommitState.Failure, description: 'failed' };
    case RunStatus.TimedOut:
      return { state: CommitState.Failure, description: 'timed out' };
    case RunStatus.Cancelled:
      return { state: CommitState.Error, description: 'cancelled' };
  }
}
