import { PollBreaker, type ProjectPoll } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import { toProjectPoll } from '../rows/project-poll.js';
import type { StoreContext } from '../store-context.js';

/** Sets a project's poll interval and next poll in one statement, keeping its state. */
export async function putPollSettings(
  ctx: StoreContext,
  projectId: string,
  intervalMs: number,
  nextPollAt: number,
): Promise<ProjectPoll> {
  const row = await retryTransient(ctx, () =>
    ctx.db
      .insertInto('project_polls')
      .values({
        project_id: projectId,
        interval_ms: intervalMs,
        next_poll_at: nextPollAt,
        heads: null,
        breaker: PollBreaker.Closed,
        breaker_reason: null,
        breaker_opened_at: null,
        failures: 0,
        last_error: null,
        last_polled_at: null,
      })
      .onConflict((oc) =>
        oc.column('project_id').doUpdateSet((eb) => ({
          interval_ms: eb.ref('excluded.interval_ms'),
          next_poll_at: eb.ref('excluded.next_poll_at'),
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toProjectPoll(row);
}
