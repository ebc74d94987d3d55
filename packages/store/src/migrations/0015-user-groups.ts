import type { Kysely, Migration } from 'kysely';

/**
 * Users' memberships of named groups, as an identity provider would supply them; role
 * bindings name a group as `group:NAME` in `role_bindings.user_name`.
 */
export const userGroups: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('group_members')
      .addColumn('group_name', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('added_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('group_members_pkey', ['group_name', 'user_name'])
      .execute();
    await db.schema
      .createIndex('group_members_user_idx')
      .on('group_members')
      .column('user_name')
      .execute();
  },
};
