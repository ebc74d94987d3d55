import type { Task } from '@slipway/api';

/**
 * Tasks in stages for drawing the graph: a task's stage is one after the latest stage of
 * the tasks it needs; `finally` tasks come last. Needs outside the list count as met.
 */
export function taskStages(tasks: readonly Task[]): Task[][] {
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  const depth = new Map<string, number>();
  const depthOf = (task: Task, seen: ReadonlySet<string>): number => {
    const known = depth.get(task.taskId);
    if (known !== undefined) return known;
    let d = 0;
    for (const need of task.needs) {
      const other = byId.get(need);
      if (other === undefined || seen.has(need)) continue;
      d = Math.max(d, depthOf(other, new Set([...seen, task.taskId])) + 1);
    }
    depth.set(task.taskId, d);
    return d;
  };
  const main = tasks.filter((t) => t.kind === 'main');
  const stages: Task[][] = [];
  for (const task of main) {
    const d = depthOf(task, new Set());
    (stages[d] ??= []).push(task);
  }
  const dense = stages.filter((stage) => stage.length > 0);
  const finals = tasks.filter((t) => t.kind === 'finally');
  if (finals.length > 0) dense.push(finals);
  return dense;
}
