import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Plans apart from their runs, so that a change of a run rewrites a small row: SQLite
 * writes a row whole when its size changes, and a run's state changes size with nearly
 * every change of the run, which made each one write the whole plan (hundreds of
 * kilobytes for a thousand tasks) to the WAL again.
 */
export const runPlans: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('run_plans')
      .addColumn('run_id', 'text', (c) =>
        c.primaryKey().notNull().references('runs.id').onDelete('cascade'),
      )
      .addColumn('plan', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into run_plans (run_id, plan) select id, plan from runs`.execute(db);
    await db.schema.alterTable('runs').dropColumn('plan').execute();
  },
};
