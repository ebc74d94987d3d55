import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Trigger events (webhook deliveries, deduplicated per project, source and delivery id)
 * with their claim and outcome, their payloads, and each project's webhook settings
 * (secret sealed).
 */
export const triggerEvents: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('trigger_events')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('run_ids', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('processed_at', 'bigint')
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_until', 'bigint')
      .addUniqueConstraint('trigger_events_delivery_key', ['project_id', 'source', 'delivery_id'])
      .execute();
    await db.schema
      .createIndex('trigger_events_pending_idx')
      .on('trigger_events')
      .column('id')
      .where(sql.ref('status'), '=', 'pending')
      .execute();
    await db.schema
      .createIndex('trigger_events_project_idx')
      .on('trigger_events')
      .columns(['project_id', 'id'])
      .execute();

    // Payloads apart from the events, so that settling an event rewrites a small row.
    await db.schema
      .createTable('trigger_event_payloads')
      .addColumn('event_id', 'text', (c) =>
        c.primaryKey().notNull().references('trigger_events.id').onDelete('cascade'),
      )
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('project_webhooks')
      .addColumn('project_id', 'text', (c) =>
        c.primaryKey().notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('forge', 'text', (c) => c.notNull())
      .addColumn('sealed_secret', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
