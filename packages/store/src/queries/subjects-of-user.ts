import { GROUP_SUBJECT_PREFIX } from '@slipway/core';
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { StoreDatabase } from '../database.js';

/**
 * The condition on `role_bindings` that picks the bindings applying to a user: their
 * own, and those naming (as `group:NAME`) a group they belong to.
 */
export function subjectsOfUser(
  eb: ExpressionBuilder<StoreDatabase, 'role_bindings'>,
  user: string,
): Expression<SqlBool> {
  return eb.or([
    eb('role_bindings.user_name', '=', user),
    eb(
      'role_bindings.user_name',
      'in',
      eb
        .selectFrom('group_members')
        .select(
          sql<string>`${sql.lit(GROUP_SUBJECT_PREFIX)} || group_members.group_name`.as('subject'),
        )
        .where('group_members.user_name', '=', user),
    ),
  ]);
}
