import type { AttemptClaim, ClaimedAttempt } from '@slipway/core';
import type { Kysely } from 'kysely';
import { AttemptStatus } from '../attempt-status.js';
import type { StoreDatabase } from '../database.js';
import { plansOf } from '../rows/run-plans.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * Hands up to `max` queued attempts whose labels the agent has to that agent, oldest first
 * (plan order within one run update). On PostgreSQL the candidate rows are locked with
 * `SKIP LOCKED`, so concurrent claimers take disjoint rows instead of waiting; the
 * `status` check in the update itself makes sure no attempt is claimed twice. The
 * candidates are read by a statement of their own: as a subquery of the update,
 * PostgreSQL may run the locking `LIMIT` query once per updated row and so claim more
 * than `max`.
 */
export function claimAttempts(ctx: StoreContext, claim: AttemptClaim): Promise<ClaimedAttempt[]> {
  if (claim.max <= 0) return Promise.resolve([]);
  return writeTransaction(ctx, (trx) => claimAttemptsWithin(ctx, trx, claim));
}

/** {@link claimAttempts} inside the write transaction `trx`. */
export async function claimAttemptsWithin(
  ctx: StoreContext,
  trx: Kysely<StoreDatabase>,
  claim: AttemptClaim,
): Promise<ClaimedAttempt[]> {
  if (claim.max <= 0) return [];
  const candidates = await trx
    .selectFrom('attempts')
    .select('id')
    .where('status', '=', AttemptStatus.Queued)
    .where(ctx.dialect.labelsWithin(claim.labels))
    .orderBy('queued_at')
    .orderBy('position')
    .orderBy('id')
    .limit(claim.max)
    .$if(ctx.dialect.locksRows, (q) => q.forUpdate().skipLocked())
    .execute();
  if (candidates.length === 0) return [];
  const claimed = await trx
    .updateTable('attempts')
    .set({
      status: AttemptStatus.Claimed,
      agent_id: claim.agentId,
      claimed_at: claim.now,
      lease_until: claim.leaseUntil,
    })
    .where(
      'id',
      'in',
      candidates.map((row) => row.id),
    )
    .where('status', '=', AttemptStatus.Queued)
    .returning(['id', 'run_id', 'task_id', 'attempt', 'queued_at', 'position'])
    .execute();
  if (claimed.length === 0) return [];
  claimed.sort(
    (a, b) =>
      a.queued_at - b.queued_at ||
      a.position - b.position ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const plans = await plansOf(
    trx,
    claimed.map((row) => row.run_id),
  );
  return claimed.map((row) => {
    const plan = plans.get(row.run_id);
    if (plan === undefined) throw new Error(`attempt ${row.id} belongs to no run`);
    return {
      attemptId: row.id,
      runId: row.run_id,
      taskId: row.task_id,
      attempt: row.attempt,
      plan,
      queuedAt: row.queued_at,
    };
  });
}
