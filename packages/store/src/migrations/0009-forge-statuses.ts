import type { Kysely, Migration } from 'kysely';

/**
 * Each project's forge API settings (URL, repository, sealed token, forge logins of its
 * users), what is recorded per pull request (labels, a fork's event waiting for
 * `/ok-to-test`), and the commit
 * status outbox: one row per run (or skipped pipeline) of a forge-triggered project,
 * with what was last delivered and when to try again.
 */
export const forgeStatuses: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('project_forges')
      .addColumn('project_id', 'text', (c) =>
        c.primaryKey().notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('api_url', 'text', (c) => c.notNull())
      .addColumn('repository', 'text', (c) => c.notNull())
      .addColumn('sealed_token', 'text', (c) => c.notNull())
      .addColumn('users', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('pull_requests')
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('head_commit', 'text')
      .addColumn('labels', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('waiting_event_id', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('pull_requests_pkey', ['project_id', 'number'])
      .execute();

    await db.schema
      .createTable('commit_statuses')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('run_id', 'text', (c) => c.references('runs.id').onDelete('cascade'))
      .addColumn('commit_id', 'text', (c) => c.notNull())
      .addColumn('context', 'text', (c) => c.notNull())
      .addColumn('target_url', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('reported', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('last_error', 'text')
      .execute();
    await db.schema
      .createIndex('commit_statuses_due_idx')
      .on('commit_statuses')
      .columns(['next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('commit_statuses_commit_idx')
      .on('commit_statuses')
      .columns(['project_id', 'commit_id'])
      .execute();
  },
};
