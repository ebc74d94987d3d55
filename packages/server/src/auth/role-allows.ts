import { ProjectRole } from '@slipway/core';

function rank(role: ProjectRole): number {
  switch (role) {
    case ProjectRole.Viewer:
      return 1;
    case ProjectRole.Developer:
      return 2;
    case ProjectRole.Admin:
      return 3;
  }
}

/** Whether a user with role `has` may do what needs `needs` (roles include lower ones). */
export function roleAllows(has: ProjectRole, needs: ProjectRole): boolean {
  return rank(has) >= rank(needs);
}
