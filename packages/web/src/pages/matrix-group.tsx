import { useId, useState } from 'react';
import type { Task, TaskStatus } from '@slipway/api';
import { StatusBadge } from '../ui/status.js';
import { TaskCard } from './task-card.js';

/** The members of a matrix group by status, as `2 succeeded, 1 failed`. */
function countByStatus(tasks: readonly Task[]): string {
  const counts = new Map<TaskStatus, number>();
  for (const task of tasks) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status.replace('_', ' ')}`).join(', ');
}

/** A member by its matrix values, `[node=20,os=linux]`, or its id when it has none. */
function memberLabel(name: string, task: Task): string {
  return task.taskId.startsWith(`${name}[`) ? task.taskId.slice(name.length) : task.taskId;
}

/**
 * The tasks expanded from one matrix task as one row: the matrix task's name, the status
 * of the group and how many tasks it has; its button (with `aria-expanded`) shows or
 * hides the member tasks. Starts collapsed.
 */
export function MatrixGroup({
  runId,
  name,
  status,
  tasks,
}: {
  readonly runId: string;
  readonly name: string;
  readonly status: TaskStatus;
  readonly tasks: readonly Task[];
}) {
  const [open, setOpen] = useState(false);
  const membersId = useId();
  return (
    <li className={`task task-group task-${status}`}>
      <button
        type="button"
        className="group-toggle"
        aria-expanded={open}
        aria-controls={membersId}
        onClick={() => {
          setOpen(!open);
        }}
      >
        <span aria-hidden="true" className="chevron">
          {open ? '▾' : '▸'}
        </span>{' '}
        {name} <span className="meta">(matrix, {tasks.length} tasks)</span>
      </button>
      <StatusBadge status={status} />
      <span className="meta">{countByStatus(tasks)}</span>
      <ol id={membersId} className="group-members" hidden={!open} aria-label={`${name} matrix`}>
        {open &&
          tasks.map((task) => (
            <TaskCard key={task.taskId} runId={runId} task={task} label={memberLabel(name, task)} />
          ))}
      </ol>
    </li>
  );
}
