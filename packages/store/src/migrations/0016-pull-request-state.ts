import type { Kysely, Migration } from 'kysely';

/**
 * Whether each pull request is open or closed, from the forge's pull request events (null
 * until one arrives), so that closed pull requests are not shown as open.
 */
export const pullRequestState: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('pull_requests').addColumn('state', 'text').execute();
  },
};
