import type { Kysely, Migration } from 'kysely';

/**
 * Project secrets (encrypted), whether a run's trigger is trusted, and the bytes of log
 * text stored per step of an attempt (for the per-step limit).
 */
export const secrets: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('secrets')
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('ciphertext', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('secrets_pkey', ['project_id', 'name'])
      .execute();

    await db.schema
      .alterTable('runs')
      .addColumn('trusted', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();

    await db.schema
      .createTable('log_steps')
      .addColumn('attempt_id', 'text', (c) =>
        c.notNull().references('attempts.id').onDelete('cascade'),
      )
      .addColumn('step', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('truncated', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('log_steps_pkey', ['attempt_id', 'step'])
      .execute();
  },
};
