import { ErrorCode, routes, type TokenInfo } from '@slipway/api';
import {
  groupOfSubject,
  highestRole,
  TokenKind,
  type ControlStore,
  type ProjectRole,
  type RoleBinding,
  type TokenRecord,
} from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';
import { requireProject } from '../projects/project-routes.js';
import { hashToken, newToken } from './admin-token.js';
import { callerOf } from './caller.js';

/** What the token and role routes work with. */
export interface AccessRoutesContext {
  readonly store: ControlStore;
  readonly now: () => number;
}

function tokenView(record: TokenRecord): TokenInfo {
  return {
    id: record.id,
    name: record.name,
    user: record.user,
    kind: record.kind,
    admin: record.admin,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
  };
}

/**
 * The caller's role in each project from the bindings that apply to them (their own and
 * their groups'): the highest per project, in the order of the projects' first bindings.
 */
function effectiveRoles(
  bindings: readonly RoleBinding[],
): { projectId: string; role: ProjectRole }[] {
  const byProject = new Map<string, ProjectRole[]>();
  for (const binding of bindings) {
    byProject.set(binding.projectId, [...(byProject.get(binding.projectId) ?? []), binding.role]);
  }
  return [...byProject].flatMap(([projectId, roles]) => {
    const role = highestRole(roles);
    return role === null ? [] : [{ projectId, role }];
  });
}

/**
 * Tokens (`/api/tokens`, admin only) and the role bindings of a project
 * (`/api/projects/:project/roles`, project admins). Who may call them is declared in the
 * API table and checked before these handlers run.
 */
export function accessRoutes(app: FastifyInstance, context: AccessRoutesContext): void {
  const { store, now } = context;

  defineRoute(app, routes.createToken, async ({ body }) => {
    const token = newToken();
    const record = await store.createToken({
      name: body.name,
      user: body.user,
      kind: body.kind ?? TokenKind.User,
      admin: body.admin ?? false,
      hash: hashToken(token),
      createdAt: now(),
    });
    return { ...tokenView(record), token };
  });

  defineRoute(app, routes.listTokens, async () => ({
    tokens: (await store.listTokens()).map(tokenView),
  }));

  defineRoute(app, routes.deleteToken, async ({ params }) => {
    if (!(await store.deleteToken(params.id))) {
      throw new HttpError(ErrorCode.NotFound, `no token "${params.id}"`);
    }
    return null;
  });

  defineRoute(app, routes.setRole, async ({ params, body }) => {
    const project = await requireProject(store, params.project);
    return store.setRole({
      projectId: project.id,
      user: params.user,
      role: body.role,
      updatedAt: now(),
    });
  });

  defineRoute(app, routes.listRoles, async ({ params }) => {
    const project = await requireProject(store, params.project);
    return { roles: await store.listRoles(project.id) };
  });

  defineRoute(app, routes.getAccess, async ({ request }) => {
    const caller = callerOf(request);
    const [bindings, groups] = await Promise.all([
      caller.admin ? [] : store.rolesOfUser(caller.user),
      store.groupsOfUser(caller.user),
    ]);
    return { user: caller.user, admin: caller.admin, roles: effectiveRoles(bindings), groups };
  });

  defineRoute(app, routes.deleteRole, async ({ params }) => {
    const project = await requireProject(store, params.project);
    if (!(await store.deleteRole(project.id, params.user))) {
      const group = groupOfSubject(params.user);
      throw new HttpError(
        ErrorCode.NotFound,
        group === null
          ? `user "${params.user}" has no role in project "${project.name}"`
          : `group "${group}" has no role in project "${project.name}"`,
      );
    }
    return null;
  });
}
