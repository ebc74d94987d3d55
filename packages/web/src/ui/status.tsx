import type { RunStatus, TaskStatus } from '@slipway/api';

/** Run statuses after which nothing changes. */
export function isFinished(status: RunStatus): boolean {
  switch (status) {
    case 'queued':
    case 'waiting':
    case 'running':
      return false;
    case 'succeeded':
    case 'failed':
    case 'cancelled':
    case 'timed_out':
      return true;
  }
}

function tone(status: RunStatus | TaskStatus): string {
  switch (status) {
    case 'succeeded':
      return 'ok';
    case 'failed':
    case 'timed_out':
    case 'lost':
      return 'bad';
    case 'running':
      return 'busy';
    case 'waiting':
      return 'ask';
    case 'queued':
    case 'pending':
    case 'ready':
      return 'wait';
    case 'cancelled':
    case 'skipped':
      return 'off';
  }
}

/** A status as a labelled badge (its word is always shown, colour is only a hint). */
export function StatusBadge({ status }: { readonly status: RunStatus | TaskStatus }) {
  return <span className={`badge badge-${tone(status)}`}>{status.replace('_', ' ')}</span>;
}
