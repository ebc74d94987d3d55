import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../database.js';

/**
 * Ids of up to `limit` runs, oldest first, that finished before `before`, whose `marker`
 * column is not set yet, and that no run still in use keeps tasks of (a run that carries
 * their attempts and has not finished, or finished at or after `before`).
 */
export async function expiredRuns(
  db: Kysely<StoreDatabase>,
  marker: 'logs_expired_at' | 'artifacts_expired_at',
  before: number,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('runs as r')
    .select('r.id')
    .where('r.finished_at', 'is not', null)
    .where('r.finished_at', '<', before)
    .where(`r.${marker}`, 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('tasks as t')
            .innerJoin('runs as c', 'c.id', 't.run_id')
            .select('t.run_id')
            .whereRef('t.carried_run_id', '=', 'r.id')
            .where((eb) =>
              eb.or([eb('c.finished_at', 'is', null), eb('c.finished_at', '>=', before)]),
            ),
        ),
      ),
    )
    .orderBy('r.finished_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}
