import type { PlanTask, Task, TaskStatus } from '@slipway/api';

/** One row of a stage: a task, or the tasks expanded from one matrix task. */
export type StageItem =
  | { readonly kind: 'task'; readonly task: Task }
  | {
      readonly kind: 'matrix';
      /** The matrix task's name in the pipeline file. */
      readonly name: string;
      readonly status: TaskStatus;
      readonly tasks: readonly Task[];
    };

/**
 * How much a member's status tells about its group, most first: a failure shows through
 * anything, then work under way, then work to come; the group succeeded only when every
 * member succeeded or was skipped, and was skipped only when all were.
 */
const WEIGHT: Readonly<Record<TaskStatus, number>> = {
  failed: 8,
  lost: 7,
  cancelled: 6,
  running: 5,
  waiting: 4,
  ready: 3,
  pending: 2,
  succeeded: 1,
  skipped: 0,
};

/** The status a matrix group shows: the weightiest of its members' (see {@link WEIGHT}). */
export function groupStatus(tasks: readonly Task[]): TaskStatus {
  let status: TaskStatus = 'skipped';
  for (const task of tasks) {
    if (WEIGHT[task.status] > WEIGHT[status]) status = task.status;
  }
  if (status === 'pending' && tasks.some((t) => t.status === 'succeeded' || t.status === 'running'))
    return 'running';
  return status;
}

/**
 * A stage's tasks as rows: the members of one matrix task (by the plan's `matrixGroup`)
 * become one group row where the first of them stood; other tasks stay as they are.
 */
export function stageItems(
  stage: readonly Task[],
  planTasks: ReadonlyMap<string, PlanTask>,
): StageItem[] {
  const items: StageItem[] = [];
  const groups = new Map<string, Task[]>();
  for (const task of stage) {
    const group = planTasks.get(task.taskId)?.matrixGroup?.name;
    if (group === undefined) {
      items.push({ kind: 'task', task });
      continue;
    }
    const members = groups.get(group);
    if (members !== undefined) {
      members.push(task);
      continue;
    }
    const fresh = [task];
    groups.set(group, fresh);
    items.push({ kind: 'matrix', name: group, status: 'skipped', tasks: fresh });
  }
  return items.map((item) =>
    item.kind === 'matrix' ? { ...item, status: groupStatus(item.tasks) } : item,
  );
}
