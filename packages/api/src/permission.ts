import type { ProjectRole } from './schemas/access.js';

/**
 * What a caller needs for a route, checked by the server before the handler runs, on the
 * object the route touches:
 *
 * - `public`: nothing; no token is needed;
 * - `user`: any valid user token; the route answers only what the caller may view;
 * - `admin`: an admin token;
 * - `agent`: an agent token or an admin token (agent tokens are refused everywhere else);
 * - `project:ROLE`: at least ROLE in the project named by the path parameter `project`;
 * - `run:ROLE`: at least ROLE in the project of the run named by the path parameter `id`.
 *
 * A missing or unknown token is a 401, a role too low a 403, and a project or run the
 * caller may not even view a 404, as if it did not exist. Admin tokens may do everything.
 */
export type Permission =
  'public' | 'user' | 'admin' | 'agent' | `project:${ProjectRole}` | `run:${ProjectRole}`;

/** The object a permission is checked on and the least role needed, or null for the rest. */
export function permissionScope(
  permission: Permission,
): { readonly on: 'project' | 'run'; readonly role: ProjectRole } | null {
  const [on, role] = permission.split(':') as [string, ProjectRole | undefined];
  if (role === undefined) return null;
  return { on: on === 'run' ? 'run' : 'project', role };
}
