import type { Plan } from '@slipway/core';
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../database.js';
import { parseJson } from './json.js';

/** Parsed plans kept at most; the least recently used goes first. */
const MAX_PLANS = 256;
const plans = new Map<string, Plan>();

/*
 * A run's plan is written once, when the run is created, into `run_plans` (apart from the
 * run's row, which changes often) under a random id that is never reused, and read with
 * every change of the run; a large plan (a thousand tasks, a wide
 * matrix) takes longer to read and parse than the rest of the change. So a plan is read
 * from the store once and then kept by run id; readers select a run's other columns
 * and take the plan from here. Kept plans are frozen: every reader shares them.
 */

/** The plans of these runs, read from the store only for runs whose plan is not kept. */
export async function plansOf(
  db: Kysely<StoreDatabase>,
  runIds: readonly string[],
): Promise<Map<string, Plan>> {
  const found = new Map<string, Plan>();
  const missing: string[] = [];
  for (const id of new Set(runIds)) {
    const plan = plans.get(id);
    if (plan === undefined) {
      missing.push(id);
      continue;
    }
    plans.delete(id);
    plans.set(id, plan);
    found.set(id, plan);
  }
  if (missing.length === 0) return found;
  const rows = await db
    .selectFrom('run_plans')
    .select(['run_id', 'plan'])
    .where('run_id', 'in', missing)
    .execute();
  for (const row of rows) found.set(row.run_id, keep(row.run_id, row.plan));
  return found;
}

function keep(runId: string, text: string): Plan {
  const plan = deepFreeze(parseJson(text)) as Plan;
  plans.set(runId, plan);
  if (plans.size > MAX_PLANS) {
    const oldest = plans.keys().next();
    if (oldest.done !== true) plans.delete(oldest.value);
  }
  return plan;
}

function deepFreeze(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
