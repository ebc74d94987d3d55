import { useId, useState, type SyntheticEvent } from 'react';
import type { CallerAccess, Task, TaskApproval } from '@slipway/api';
import { mayAct } from '../app/permissions.js';
import { ErrorNote } from '../ui/error-note.js';
import { formatTime } from '../ui/format.js';

/** A decision a person takes about an approval task. */
export type Decision = 'approve' | 'reject';

/** Why the caller may not decide, or null when they may. */
export function whyNotDecide(
  access: CallerAccess,
  projectId: string,
  approval: TaskApproval,
): string | null {
  if (!mayAct(access, projectId, 'developer')) {
    return 'Only developers of the project may approve or reject this task.';
  }
  if (approval.approvers !== null && !approval.approvers.includes(access.user)) {
    return `Only ${approval.approvers.join(', ')} may approve or reject this task.`;
  }
  return null;
}

function Decided({ decision }: { readonly decision: NonNullable<TaskApproval['decision']> }) {
  return (
    <p className={`decision decision-${decision.decision}`}>
      {decision.decision === 'approve' ? 'Approved' : 'Rejected'} by <strong>{decision.by}</strong>{' '}
      on {formatTime(decision.at)}
      {decision.comment !== null && (
        <>
          : <q>{decision.comment}</q>
        </>
      )}
    </p>
  );
}

/**
 * An approval task: its message and approvers; while it waits, Approve / Reject with a
 * comment (required to reject) for a caller who may decide; once decided, who decided,
 * when, what and why. `decide` sends the decision; an error it throws is shown.
 */
export function ApprovalPanel({
  task,
  approval,
  projectId,
  access,
  decide,
}: {
  readonly task: Task;
  readonly approval: TaskApproval;
  readonly projectId: string;
  readonly access: CallerAccess;
  readonly decide: (decision: Decision, comment: string) => Promise<void>;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const commentId = useId();
  const titleId = useId();
  const awaiting = task.status === 'waiting' && approval.decision === null;
  const notAllowed = whyNotDecide(access, projectId, approval);

  const send = async (decision: Decision) => {
    if (decision === 'reject' && comment.trim() === '') {
      setError(new Error('Say why in the comment to reject the task.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await decide(decision, comment.trim());
      setComment('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    void send('approve');
  };

  return (
    <section className="approval" aria-labelledby={titleId}>
      <h3 id={titleId}>
        Approval: {task.name}
        {awaiting && <span className="meta"> · awaits a decision</span>}
      </h3>
      {approval.message !== null && <p className="approval-message">{approval.message}</p>}
      <p className="meta">
        Approvers:{' '}
        {approval.approvers === null
          ? 'anyone with the developer role'
          : approval.approvers.join(', ')}
      </p>
      {approval.decision !== null && <Decided decision={approval.decision} />}
      {awaiting && notAllowed !== null && <p className="hint">{notAllowed}</p>}
      {awaiting && notAllowed === null && (
        <form onSubmit={onSubmit}>
          <label htmlFor={commentId}>Comment (required to reject)</label>
          <textarea
            id={commentId}
            rows={2}
            maxLength={2000}
            value={comment}
            onChange={(e) => {
              setComment(e.target.value);
            }}
          />
          <div className="actions">
            <button type="submit" disabled={busy}>
              Approve
            </button>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => void send('reject')}
            >
              Reject
            </button>
          </div>
        </form>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
