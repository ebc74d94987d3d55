import type { Plan, RunRecord, RunStatus, TriggerFacts } from '@slipway/core';
import type { RunsTable } from '../database.js';
import { parseJson } from './json.js';

/** The columns of `runs` a {@link RunRecord} is made of. */
export const RUN_COLUMNS = [
  'id',
  'project_id',
  'number',
  'pipeline',
  'status',
  'trigger',
  'plan',
  'created_at',
  'started_at',
  'finished_at',
  'trusted',
  'retry_of',
  'rerun_of',
] as const satisfies readonly (keyof RunsTable)[];

type RunRow = Pick<RunsTable, (typeof RUN_COLUMNS)[number]>;

/** A `runs` row as the port's record. */
export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    number: row.number,
    pipeline: row.pipeline,
    status: row.status as RunStatus,
    trigger: parseJson(row.trigger) as TriggerFacts,
    plan: planOf(row.id, row.plan),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    trusted: row.trusted !== 0,
    ...(row.retry_of !== null ? { retryOf: row.retry_of } : {}),
    ...(row.rerun_of !== null ? { rerunOf: row.rerun_of } : {}),
  };
}

/** Parsed plans kept at most; the least recently used goes first. */
const MAX_PLANS = 256;
const plans = new Map<string, { readonly text: string; readonly plan: Plan }>();

/*
 * A run's plan is written once, when the run is created, and read with every change of
 * the run; a large plan (a wide matrix) takes longer to parse than the rest of the
 * change. So parsed plans are kept by run id, and one is reused only when the stored
 * text is the same. Kept plans are frozen: every reader (run records, claims) shares them.
 */
export function planOf(runId: string, text: string): Plan {
  const kept = plans.get(runId);
  if (kept?.text === text) {
    plans.delete(runId);
    plans.set(runId, kept);
    return kept.plan;
  }
  const plan = deepFreeze(parseJson(text)) as Plan;
  plans.set(runId, { text, plan });
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
