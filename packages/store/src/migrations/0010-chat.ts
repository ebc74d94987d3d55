import type { Kysely, Migration } from 'kysely';

/**
 * Chat integration: each chat service's settings (the sealed signing secret), chat users
 * mapped to Slipway users, the channel each project posts approval requests to (a sealed
 * incoming webhook URL), and the signed requests seen recently, so a replay is refused.
 */
export const chat: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('chat_settings')
      .addColumn('provider', 'text', (c) => c.primaryKey().notNull())
      .addColumn('sealed_signing_secret', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('chat_users')
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('chat_users_pkey', ['provider', 'external_id'])
      .execute();

    await db.schema
      .createTable('project_chats')
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('sealed_webhook_url', 'text', (c) => c.notNull())
      .addColumn('channel', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('project_chats_pkey', ['project_id', 'provider'])
      .execute();

    await db.schema
      .createTable('chat_requests')
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('request_key', 'text', (c) => c.notNull())
      .addColumn('seen_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('chat_requests_pkey', ['provider', 'request_key'])
      .execute();
    await db.schema
      .createIndex('chat_requests_seen_idx')
      .on('chat_requests')
      .column('seen_at')
      .execute();
  },
};
