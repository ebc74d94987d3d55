import type { Kysely, Migration } from 'kysely';

/**
 * What each project's default-branch pipelines listen to (cron schedules, other
 * pipelines' runs), per schedule the latest tick handled, so that a tick fires once,
 * and each polled project's interval, heads and breaker.
 */
export const schedules: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('pipeline_catalogs')
      .addColumn('project_id', 'text', (c) =>
        c.primaryKey().notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('commit_id', 'text', (c) => c.notNull())
      .addColumn('pipelines', 'text', (c) => c.notNull())
      .addColumn('read_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('cron_marks')
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('pipeline', 'text', (c) => c.notNull())
      .addColumn('schedule', 'text', (c) => c.notNull())
      .addColumn('last_tick_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('cron_marks_pkey', ['project_id', 'pipeline', 'schedule'])
      .execute();

    await db.schema
      .createTable('project_polls')
      .addColumn('project_id', 'text', (c) =>
        c.primaryKey().notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('interval_ms', 'bigint', (c) => c.notNull())
      .addColumn('next_poll_at', 'bigint', (c) => c.notNull())
      .addColumn('heads', 'text')
      .addColumn('breaker', 'text', (c) => c.notNull())
      .addColumn('breaker_reason', 'text')
      .addColumn('breaker_opened_at', 'bigint')
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('last_polled_at', 'bigint')
      .execute();
  },
};
