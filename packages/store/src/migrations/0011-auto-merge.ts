import type { Kysely, Migration } from 'kysely';

/**
 * Auto-merge: each project's merge method when pull requests merge by themselves (null:
 * off), and per pull request the latest automatic merge (JSON) with when the merge loop
 * takes it next (the merge outbox).
 */
export const autoMerge: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('project_forges').addColumn('auto_merge', 'text').execute();
    await db.schema.alterTable('pull_requests').addColumn('merge', 'text').execute();
    await db.schema.alterTable('pull_requests').addColumn('merge_due_at', 'bigint').execute();
    await db.schema
      .createIndex('pull_requests_merge_due_idx')
      .on('pull_requests')
      .columns(['merge_due_at'])
      .execute();
  },
};
