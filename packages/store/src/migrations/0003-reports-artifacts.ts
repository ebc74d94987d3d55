import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Test reports (totals, suites and cases per attempt), artifact records, runs made from
 * earlier runs (rerun, retry with carried tasks), and what retention has removed.
 */
export const reportsArtifacts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('runs').addColumn('retry_of', 'text').execute();
    await db.schema.alterTable('runs').addColumn('rerun_of', 'text').execute();
    await db.schema.alterTable('runs').addColumn('logs_expired_at', 'bigint').execute();
    await db.schema.alterTable('runs').addColumn('artifacts_expired_at', 'bigint').execute();
    await db.schema
      .createIndex('runs_logs_retention_idx')
      .on('runs')
      .column('finished_at')
      .where(sql<boolean>`finished_at is not null and logs_expired_at is null`)
      .execute();
    await db.schema
      .createIndex('runs_artifacts_retention_idx')
      .on('runs')
      .column('finished_at')
      .where(sql<boolean>`finished_at is not null and artifacts_expired_at is null`)
      .execute();

    await db.schema.alterTable('tasks').addColumn('carried_attempt_id', 'text').execute();
    await db.schema.alterTable('tasks').addColumn('carried_run_id', 'text').execute();
    await db.schema
      .createIndex('tasks_carried_run_idx')
      .on('tasks')
      .column('carried_run_id')
      .where(sql.ref('carried_run_id'), 'is not', null)
      .execute();

    await db.schema
      .createTable('test_reports')
      .addColumn('attempt_id', 'text', (c) =>
        c.primaryKey().notNull().references('attempts.id').onDelete('cascade'),
      )
      .addColumn('tests', 'integer', (c) => c.notNull())
      .addColumn('passed', 'integer', (c) => c.notNull())
      .addColumn('failed', 'integer', (c) => c.notNull())
      .addColumn('errored', 'integer', (c) => c.notNull())
      .addColumn('skipped', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'double precision', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('test_suites')
      .addColumn('attempt_id', 'text', (c) =>
        c.notNull().references('test_reports.attempt_id').onDelete('cascade'),
      )
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('tests', 'integer', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('errors', 'integer', (c) => c.notNull())
      .addColumn('skipped', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'double precision', (c) => c.notNull())
      .addPrimaryKeyConstraint('test_suites_pkey', ['attempt_id', 'position'])
      .execute();

    await db.schema
      .createTable('test_cases')
      .addColumn('attempt_id', 'text', (c) =>
        c.notNull().references('test_reports.attempt_id').onDelete('cascade'),
      )
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('suite', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('classname', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('rank', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'double precision', (c) => c.notNull())
      .addColumn('message', 'text')
      .addColumn('details', 'text')
      .addPrimaryKeyConstraint('test_cases_pkey', ['attempt_id', 'position'])
      .execute();
    await db.schema
      .createIndex('test_cases_rank_idx')
      .on('test_cases')
      .columns(['attempt_id', 'rank', 'position'])
      .execute();

    await db.schema
      .createTable('artifacts')
      .addColumn('attempt_id', 'text', (c) =>
        c.notNull().references('attempts.id').onDelete('cascade'),
      )
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('artifacts_pkey', ['attempt_id', 'path'])
      .execute();
  },
};
