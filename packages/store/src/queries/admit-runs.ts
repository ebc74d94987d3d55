import { RunStatus, type ConcurrencyGroupRef, type GroupAdmission } from '@slipway/core';
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../database.js';
import { chunks } from '../rows/chunks.js';
import { UNFINISHED_RUN_STATUSES } from '../rows/concurrency-columns.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/** Waiting runs read per statement. */
const PAGE = 100;

/**
 * Admits the waiting runs of a concurrency group that fit, oldest (lowest number) first,
 * stopping at the first that does not: a run fits while fewer admitted unfinished runs of
 * the group exist than its plan's limit. Runs a newer cancel-in-progress run superseded
 * are never admitted; they are answered as runs to cancel.
 *
 * On PostgreSQL the project's row is locked first, which orders this against other
 * admissions and against run creation (which updates the same row), so two servers never
 * admit beyond the limit between them. A run that finished meanwhile counts as occupying
 * its slot until the next admission, which its finish triggers; it never counts as free
 * too early.
 */
export function admitRuns(ctx: StoreContext, ref: ConcurrencyGroupRef): Promise<GroupAdmission> {
  return writeTransaction(ctx, async (trx) => {
    if (ctx.dialect.locksRows) {
      await trx
        .selectFrom('projects')
        .select('id')
        .where('id', '=', ref.projectId)
        .forUpdate()
        .execute();
    }
    const inGroup = () => groupRuns(trx, ref);
    const cancel = await inGroup()
      .select('id')
      .where('cancel_pending', '=', 1)
      .where('status', 'in', UNFINISHED_RUN_STATUSES)
      .orderBy('number')
      .execute();
    const admitted = await inGroup()
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('admitted', '=', 1)
      .where('status', 'in', UNFINISHED_RUN_STATUSES)
      .executeTakeFirstOrThrow();
    let occupied = Number(admitted.count);

    const start: string[] = [];
    let after = 0;
    for (let full = false; !full;) {
      const waiting = await inGroup()
        .select(['id', 'number', 'concurrency_limit'])
        .where('admitted', '=', 0)
        .where('status', '=', RunStatus.Waiting)
        .where('cancel_pending', '=', 0)
        .where('number', '>', after)
        .orderBy('number')
        .limit(PAGE)
        .execute();
      for (const run of waiting) {
        if (occupied >= (run.concurrency_limit ?? 1)) {
          full = true;
          break;
        }
        start.push(run.id);
        occupied++;
      }
      const last = waiting.at(-1);
      if (waiting.length < PAGE || last === undefined) break;
      after = last.number;
    }

    const started = new Set<string>();
    for (const ids of chunks(start)) {
      const rows = await trx
        .updateTable('runs')
        .set({ admitted: 1, status: RunStatus.Queued })
        .where('id', 'in', ids)
        .where('admitted', '=', 0)
        .where('status', '=', RunStatus.Waiting)
        .returning('id')
        .execute();
      for (const row of rows) started.add(row.id);
    }
    return {
      start: start.filter((id) => started.has(id)),
      cancel: cancel.map((row) => row.id),
    };
  });
}

function groupRuns(trx: Kysely<StoreDatabase>, ref: ConcurrencyGroupRef) {
  return trx
    .selectFrom('runs')
    .where('project_id', '=', ref.projectId)
    .where('concurrency_group', '=', ref.group);
}
