import type { ProjectRole, RoleBinding } from '@slipway/core';
import type { RoleBindingsTable } from '../database.js';

/** A `role_bindings` row as the port's record. */
export function toRoleBinding(row: RoleBindingsTable): RoleBinding {
  return {
    projectId: row.project_id,
    user: row.user_name,
    role: row.role as ProjectRole,
    updatedAt: row.updated_at,
  };
}
