import type { Kysely, Migration } from 'kysely';

/**
 * When the event that set each pull request's state was received, so that an older event
 * handled later (a redelivery, say) does not undo a newer one's state.
 */
export const pullRequestStateAt: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pull_requests').addColumn('state_at', 'bigint').execute();
  },
};
