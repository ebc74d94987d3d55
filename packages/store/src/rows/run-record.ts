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
    plan: parseJson(row.plan) as Plan,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    trusted: row.trusted !== 0,
    ...(row.retry_of !== null ? { retryOf: row.retry_of } : {}),
    ...(row.rerun_of !== null ? { rerunOf: row.rerun_of } : {}),
  };
}
