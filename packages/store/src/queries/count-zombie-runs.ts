import { RunStatus } from '@slipway/core';
import { sql } from 'kysely';
import { AttemptStatus } from '../attempt-status.js';
import type { StoreContext } from '../store-context.js';

/**
 * Running runs with nothing to move them on: no attempt queued, claimed with a lease
 * until `now` or later, or settled with its outcome not applied yet, and no wake-up time
 * still ahead.
 */
export async function countZombieRuns(ctx: StoreContext, now: number): Promise<number> {
  const row = await ctx.db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('runs.status', '=', RunStatus.Running)
    .where((eb) => eb.or([eb('runs.wake_at', 'is', null), eb('runs.wake_at', '<=', now)]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('attempts')
            .select(sql.lit(1).as('live'))
            .whereRef('attempts.run_id', '=', 'runs.id')
            .where((a) =>
              a.or([
                a('attempts.status', '=', AttemptStatus.Queued),
                a.and([
                  a('attempts.status', '=', AttemptStatus.Claimed),
                  a('attempts.lease_until', '>=', now),
                ]),
                a.and([
                  a('attempts.status', '=', AttemptStatus.Settled),
                  a('attempts.applied', '=', 0),
                ]),
              ]),
            ),
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
