import type { CallerAccess, ProjectRole } from '@slipway/api';

const RANK: Record<ProjectRole, number> = { viewer: 1, developer: 2, admin: 3 };

/** Whether the caller has at least `role` in the project `projectId` (admins have every role). */
export function mayAct(access: CallerAccess, projectId: string, role: ProjectRole): boolean {
  if (access.admin) return true;
  const binding = access.roles.find((r) => r.projectId === projectId);
  return binding !== undefined && RANK[binding.role] >= RANK[role];
}
