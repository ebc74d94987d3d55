import { sql, type Kysely, type Migration } from 'kysely';

/**
 * API tokens (hashed) and per-project role bindings; the concurrency-group columns of
 * runs; an index for counting tasks by status.
 */
export const accessMetricsGroups: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('tokens')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('admin', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .execute();

    await db.schema
      .createTable('role_bindings')
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('role_bindings_pkey', ['project_id', 'user_name'])
      .execute();
    await db.schema
      .createIndex('role_bindings_user_idx')
      .on('role_bindings')
      .column('user_name')
      .execute();

    await db.schema.alterTable('runs').addColumn('concurrency_group', 'text').execute();
    await db.schema.alterTable('runs').addColumn('concurrency_limit', 'integer').execute();
    await db.schema
      .alterTable('runs')
      .addColumn('admitted', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .alterTable('runs')
      .addColumn('cancel_pending', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('runs_group_status_idx')
      .on('runs')
      .columns(['project_id', 'concurrency_group', 'status', 'number'])
      .where(sql.ref('concurrency_group'), 'is not', null)
      .execute();

    await db.schema.createIndex('tasks_status_idx').on('tasks').column('status').execute();
  },
};
