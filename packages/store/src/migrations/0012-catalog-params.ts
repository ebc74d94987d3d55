import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Pipeline catalogs now list every pipeline with its params, not only those with
 * `on.cron` or `on.pipeline`. Forgetting the commit each catalog was read at has every
 * catalog read again at the next refresh; the pipelines stay, so the schedules they
 * list keep their cron marks (they are not taken as new).
 */
export const catalogParams: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`UPDATE pipeline_catalogs SET commit_id = ''`.execute(db);
  },
};
