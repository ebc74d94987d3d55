import type { Plan } from '../plan/plan.js';
import { TaskKind } from '../plan/plan.js';

/** A matrix group: the expansions of one matrix task. */
export interface GroupInfo {
  readonly name: string;
  readonly maxParallel: number | null;
  readonly failFast: boolean;
  /** Task indices of the expansions, in plan order. */
  readonly members: readonly number[];
}

/**
 * The parts of a {@link Plan} the scheduler looks up on every event, computed once per
 * run so that each event costs work proportional to the tasks it touches. Tasks are
 * referred to by their index in `plan.tasks`.
 */
export interface RunGraph {
  readonly plan: Plan;
  readonly indexOf: ReadonlyMap<string, number>;
  readonly needs: readonly (readonly number[])[];
  readonly dependents: readonly (readonly number[])[];
  /** Index into `groups` for matrix expansions, -1 for other tasks. */
  readonly groupOf: readonly number[];
  readonly groups: readonly GroupInfo[];
  /** Task indices per task name (several for a matrix task). */
  readonly byName: ReadonlyMap<string, readonly number[]>;
  readonly isFinally: readonly boolean[];
  readonly mainCount: number;
}

/**
 * Indexes a plan. Throws (a bug in whoever built the plan) when a need names an unknown
 * task, when the tasks are not in dependency order, or when a main task needs a
 * `finally` task.
 */
export function buildRunGraph(plan: Plan): RunGraph {
  const { tasks } = plan;
  const indexOf = new Map<string, number>();
  tasks.forEach((task, i) => {
    if (indexOf.has(task.id)) throw new Error(`plan has two tasks with id ${task.id}`);
    indexOf.set(task.id, i);
  });
  const needs: number[][] = [];
  const dependents: number[][] = tasks.map(() => []);
  const groupOf: number[] = [];
  const groups: {
    name: string;
    maxParallel: number | null;
    failFast: boolean;
    members: number[];
  }[] = [];
  const groupIndex = new Map<string, number>();
  const byName = new Map<string, number[]>();
  const isFinally: boolean[] = [];
  let mainCount = 0;
  tasks.forEach((task, i) => {
    const fin = task.kind === TaskKind.Finally;
    isFinally.push(fin);
    if (!fin) mainCount++;
    const own: number[] = [];
    for (const id of task.needs) {
      const need = indexOf.get(id);
      if (need === undefined) throw new Error(`task ${task.id} needs unknown task ${id}`);
      if (need >= i) throw new Error(`plan tasks are not in dependency order at ${task.id}`);
      if (!fin && isFinally[need]) throw new Error(`task ${task.id} needs finally task ${id}`);
      if (!own.includes(need)) {
        own.push(need);
        dependents[need]?.push(i);
      }
    }
    needs.push(own);
    const sameName = byName.get(task.name);
    if (sameName) sameName.push(i);
    else byName.set(task.name, [i]);
    const group = task.matrixGroup;
    if (!group) {
      groupOf.push(-1);
      return;
    }
    let g = groupIndex.get(group.name);
    if (g === undefined) {
      g = groups.length;
      groupIndex.set(group.name, g);
      groups.push({ ...group, members: [] });
    }
    groups[g]?.members.push(i);
    groupOf.push(g);
  });
  if (tasks.slice(0, mainCount).some((t) => t.kind === TaskKind.Finally)) {
    throw new Error('plan lists a finally task before a main task');
  }
  return { plan, indexOf, needs, dependents, groupOf, groups, byName, isFinally, mainCount };
}
