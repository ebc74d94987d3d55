import type { PullRequestRecord } from '@slipway/core';
import { toPullRequest } from '../rows/pull-request.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Reads a pull request's record (an empty one when there is none; the row is locked on
 * PostgreSQL), lets `change` make the new one and stores it, in one transaction.
 */
export function updatePullRequest(
  ctx: StoreContext,
  projectId: string,
  number: number,
  change: (current: PullRequestRecord) => PullRequestRecord,
): Promise<PullRequestRecord> {
  return writeTransaction(ctx, async (trx) => {
    if (ctx.dialect.locksRows) {
      // A row to lock, even for the first update: otherwise two first updates each find
      // none, and the later write loses the earlier one's change.
      await trx
        .insertInto('pull_requests')
        .values({ project_id: projectId, number, labels: '{}', updated_at: 0 })
        .onConflict((oc) => oc.columns(['project_id', 'number']).doNothing())
        .execute();
    }
    const row = await trx
      .selectFrom('pull_requests')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('number', '=', number)
      .$if(ctx.dialect.locksRows, (q) => q.forUpdate())
      .executeTakeFirst();
    const current: PullRequestRecord =
      row === undefined
        ? {
            projectId,
            number,
            headCommit: null,
            state: null,
            stateAt: null,
            labels: {},
            waitingEventId: null,
            merge: null,
            updatedAt: 0,
          }
        : toPullRequest(row);
    const next = change(current);
    const values = {
      head_commit: next.headCommit,
      state: next.state,
      state_at: next.stateAt,
      labels: JSON.stringify(next.labels),
      waiting_event_id: next.waitingEventId,
      merge: next.merge === null ? null : JSON.stringify(next.merge),
      merge_due_at: next.merge?.nextAttemptAt ?? null,
      updated_at: next.updatedAt,
    };
    await trx
      .insertInto('pull_requests')
      .values({ project_id: projectId, number, ...values })
      .onConflict((oc) => oc.columns(['project_id', 'number']).doUpdateSet(values))
      .execute();
    return { ...next, projectId, number };
  });
}
