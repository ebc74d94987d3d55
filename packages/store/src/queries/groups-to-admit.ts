import { RunStatus, type ConcurrencyGroupRef } from '@slipway/core';
import { UNFINISHED_RUN_STATUSES } from '../rows/concurrency-columns.js';
import type { StoreContext } from '../store-context.js';

/**
 * Groups with a superseded run whose cancel is not applied, or with a waiting run and
 * fewer admitted unfinished runs than the largest limit among the waiting ones (a cheap
 * superset of the groups where `admitRuns` admits something).
 */
export async function groupsToAdmit(
  ctx: StoreContext,
  limit: number,
): Promise<ConcurrencyGroupRef[]> {
  const [cancelling, waiting, occupied] = await Promise.all([
    ctx.db
      .selectFrom('runs')
      .select(['project_id', 'concurrency_group'])
      .distinct()
      .where('concurrency_group', 'is not', null)
      .where('cancel_pending', '=', 1)
      .where('status', 'in', UNFINISHED_RUN_STATUSES)
      .execute(),
    ctx.db
      .selectFrom('runs')
      .select((eb) => [
        'project_id',
        'concurrency_group',
        eb.fn.max('concurrency_limit').as('max_limit'),
      ])
      .where('concurrency_group', 'is not', null)
      .where('status', '=', RunStatus.Waiting)
      .where('admitted', '=', 0)
      .where('cancel_pending', '=', 0)
      .groupBy(['project_id', 'concurrency_group'])
      .execute(),
    ctx.db
      .selectFrom('runs')
      .select((eb) => [
        'project_id',
        'concurrency_group',
        eb.fn.countAll<number | string>().as('count'),
      ])
      .where('concurrency_group', 'is not', null)
      .where('admitted', '=', 1)
      .where('status', 'in', UNFINISHED_RUN_STATUSES)
      .groupBy(['project_id', 'concurrency_group'])
      .execute(),
  ]);
  const key = (projectId: string, group: string) => JSON.stringify([projectId, group]);
  const taken = new Map(
    occupied.map((row) => [key(row.project_id, row.concurrency_group ?? ''), Number(row.count)]),
  );
  const groups = new Map<string, ConcurrencyGroupRef>();
  const add = (projectId: string, group: string | null) => {
    if (group !== null) groups.set(key(projectId, group), { projectId, group });
  };
  for (const row of cancelling) add(row.project_id, row.concurrency_group);
  for (const row of waiting) {
    const group = row.concurrency_group ?? '';
    if ((taken.get(key(row.project_id, group)) ?? 0) < (row.max_limit ?? 1)) {
      add(row.project_id, row.concurrency_group);
    }
  }
  return [...groups.values()].slice(0, limit);
}
