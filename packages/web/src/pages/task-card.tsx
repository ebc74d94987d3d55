import type { Task } from '@slipway/api';
import { Link, paths } from '../app/router.js';
import { elapsed } from '../ui/format.js';
import { StatusBadge } from '../ui/status.js';

/** One task of a run: a link to its output, its status, duration, needs and reason. */
export function TaskCard({
  runId,
  task,
  label = task.name,
}: {
  readonly runId: string;
  readonly task: Task;
  /** What the link says; the task's name by default. */
  readonly label?: string;
}) {
  return (
    <li className={`task task-${task.status}`}>
      <Link to={paths.logs(runId, task.taskId)} className="task-name">
        {label}
      </Link>
      <StatusBadge status={task.status} />
      <span className="meta">
        {elapsed(task.startedAt, task.finishedAt)}
        {task.attempt > 1 ? ` · attempt ${task.attempt}` : ''}
        {task.carriedFrom !== undefined ? ' · kept from the earlier run' : ''}
      </span>
      {task.needs.length > 0 && <span className="meta">needs {task.needs.join(', ')}</span>}
      {task.reason !== null && <span className="reason">{task.reason}</span>}
    </li>
  );
}
