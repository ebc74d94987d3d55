import type { Kysely } from 'kysely';
import { AttemptStatus } from '../attempt-status.js';
import type { StoreDatabase } from '../database.js';
import type { StoreContext } from '../store-context.js';

/**
 * Whether the agent holds the attempt (claimed, not settled), locking its row on
 * PostgreSQL so that it cannot settle before the caller's transaction ends.
 */
export async function holdsAttempt(
  ctx: StoreContext,
  trx: Kysely<StoreDatabase>,
  attemptId: string,
  agentId: string,
): Promise<boolean> {
  const row = await trx
    .selectFrom('attempts')
    .select('id')
    .where('id', '=', attemptId)
    .where('agent_id', '=', agentId)
    .where('status', '=', AttemptStatus.Claimed)
    .$if(ctx.dialect.locksRows, (q) => q.forUpdate())
    .executeTakeFirst();
  return row !== undefined;
}
