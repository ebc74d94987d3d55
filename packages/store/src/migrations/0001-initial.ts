import { sql, type Kysely, type Migration } from 'kysely';

/** Projects, runs, tasks, attempts with their leases, log chunks and named leases. */
export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('projects')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('default_branch', 'text', (c) => c.notNull())
      .addColumn('run_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('pipeline', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('wake_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addUniqueConstraint('runs_project_number_key', ['project_id', 'number'])
      .execute();
    await db.schema.createIndex('runs_created_idx').on('runs').columns(['created_at']).execute();
    await db.schema
      .createIndex('runs_status_created_idx')
      .on('runs')
      .columns(['status', 'created_at'])
      .execute();
    await db.schema
      .createIndex('runs_project_pipeline_number_idx')
      .on('runs')
      .columns(['project_id', 'pipeline', 'number'])
      .execute();
    await db.schema
      .createIndex('runs_due_idx')
      .on('runs')
      .column('wake_at')
      .where(sql.ref('wake_at'), 'is not', null)
      .execute();

    await db.schema
      .createTable('tasks')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('results', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addPrimaryKeyConstraint('tasks_pkey', ['run_id', 'task_id'])
      .addUniqueConstraint('tasks_run_position_key', ['run_id', 'position'])
      .execute();

    await db.schema
      .createTable('attempts')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('queued_at', 'bigint', (c) => c.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('claimed_at', 'bigint')
      .addColumn('lease_until', 'bigint')
      .addColumn('stop_mode', 'text')
      .addColumn('outcome', 'text')
      .addColumn('results', 'text')
      .addColumn('error', 'text')
      .addColumn('finished_at', 'bigint')
      .addColumn('applied', 'integer', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('attempts_task_attempt_key', ['run_id', 'task_id', 'attempt'])
      .addForeignKeyConstraint(
        'attempts_task_fkey',
        ['run_id', 'task_id'],
        'tasks',
        ['run_id', 'task_id'],
        (c) => c.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('attempts_claim_idx')
      .on('attempts')
      .columns(['queued_at', 'position'])
      .where(sql.ref('status'), '=', 'queued')
      .execute();
    await db.schema
      .createIndex('attempts_lease_idx')
      .on('attempts')
      .column('lease_until')
      .where(sql.ref('status'), '=', 'claimed')
      .execute();
    await db.schema
      .createIndex('attempts_unapplied_idx')
      .on('attempts')
      .column('finished_at')
      .where(sql<boolean>`status = 'settled' and applied = 0`)
      .execute();

    await db.schema
      .createTable('log_chunks')
      .addColumn('attempt_id', 'text', (c) =>
        c.notNull().references('attempts.id').onDelete('cascade'),
      )
      .addColumn('step', 'integer', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('log_chunks_pkey', ['attempt_id', 'seq', 'step'])
      .execute();

    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey().notNull())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('until', 'bigint', (c) => c.notNull())
      .execute();
  },
};
