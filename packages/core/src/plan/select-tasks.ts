import { UserError, UserErrorKind } from '../errors/user-error.js';
import { didYouMean } from '../text/closest-match.js';
import { TaskKind, type Plan } from './plan.js';

/**
 * The plan cut down to the named tasks (by id, or by name for all of a matrix task's
 * combinations), the tasks they need, directly or not, and the `finally` tasks.
 */
export function selectTasks(plan: Plan, wanted: readonly string[]): Plan {
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const keep = new Set<string>();
  const stack: string[] = [];
  for (const name of wanted) {
    const matching = plan.tasks.filter(
      (t) => t.kind === TaskKind.Main && (t.id === name || t.name === name),
    );
    if (matching.length === 0) {
      const known = [
        ...new Set(plan.tasks.filter((t) => t.kind === TaskKind.Main).map((t) => t.name)),
      ];
      throw new UserError(
        UserErrorKind.Usage,
        `no task "${name}" in pipeline ${plan.pipeline}${didYouMean(name, known)}; its tasks are ${known.join(', ')}`,
      );
    }
    stack.push(...matching.map((t) => t.id));
  }
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (keep.has(id)) continue;
    keep.add(id);
    stack.push(...(byId.get(id)?.needs ?? []));
  }
  return {
    ...plan,
    tasks: plan.tasks.filter((t) => keep.has(t.id) || t.kind === TaskKind.Finally),
  };
}
