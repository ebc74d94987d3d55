import type { TriggerEventRecord, TriggerEventStatus, TriggerSource } from '@slipway/core';
import type { TriggerEventsTable } from '../database.js';
import { parseJson } from './json.js';

/** The columns of `trigger_events` a {@link TriggerEventRecord} is made of. */
export const TRIGGER_EVENT_COLUMNS = [
  'id',
  'project_id',
  'source',
  'delivery_id',
  'kind',
  'received_at',
  'status',
  'outcome',
  'run_ids',
  'processed_at',
] as const satisfies readonly (keyof TriggerEventsTable)[];

type TriggerEventRow = Pick<TriggerEventsTable, (typeof TRIGGER_EVENT_COLUMNS)[number]>;

/** A `trigger_events` row as the port's record. */
export function toTriggerEvent(row: TriggerEventRow): TriggerEventRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    source: row.source as TriggerSource,
    deliveryId: row.delivery_id,
    kind: row.kind,
    receivedAt: row.received_at,
    status: row.status as TriggerEventStatus,
    outcome: row.outcome,
    runIds: parseJson(row.run_ids) as string[],
    processedAt: row.processed_at,
  };
}
