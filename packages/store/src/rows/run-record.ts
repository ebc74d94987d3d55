import type { Plan, RunRecord, RunStatus, TriggerFacts } from '@slipway/core';
import type { Kysely } from 'kysely';
import type { RunsTable, StoreDatabase } from '../database.js';
import { parseJson } from './json.js';
import { plansOf } from './run-plans.js';

/** The columns of `runs` a {@link RunRecord} is made of, but for its plan (see `plansOf`). */
export const RUN_COLUMNS = [
  'id',
  'project_id',
  'number',
  'pipeline',
  'status',
  'trigger',
  'created_at',
  'started_at',
  'finished_at',
  'trusted',
  'retry_of',
  'rerun_of',
] as const satisfies readonly (keyof RunsTable)[];

export type RunRow = Pick<RunsTable, (typeof RUN_COLUMNS)[number]>;

/** A `runs` row and its plan as the port's record. */
export function toRunRecord(row: RunRow, plan: Plan): RunRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    number: row.number,
    pipeline: row.pipeline,
    status: row.status as RunStatus,
    trigger: parseJson(row.trigger) as TriggerFacts,
    plan,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    trusted: row.trusted !== 0,
    ...(row.retry_of !== null ? { retryOf: row.retry_of } : {}),
    ...(row.rerun_of !== null ? { rerunOf: row.rerun_of } : {}),
  };
}

/** `runs` rows as the port's records, with their plans. */
export async function toRunRecords(
  db: Kysely<StoreDatabase>,
  rows: readonly RunRow[],
): Promise<RunRecord[]> {
  const plans = await plansOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => {
    const plan = plans.get(row.id);
    if (plan === undefined) throw new Error(`run ${row.id} has no plan`);
    return toRunRecord(row, plan);
  });
}
