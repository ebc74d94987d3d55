import { ErrorCode, routes } from '@slipway/api';
import type { ControlStore } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';

/** What the group routes work with. */
export interface GroupRoutesContext {
  readonly store: ControlStore;
  readonly now: () => number;
}

/**
 * Groups of users (`/api/groups`, admins only): membership as an identity provider would
 * supply it. A role binding naming `group:NAME` gives its role to the group's members, so
 * changing a membership changes what the user may do at once, on every route and in
 * Slack and pull request commands. A group exists while it has members; users are names,
 * as in role bindings and tokens, so a member need not have a token yet.
 */
export function groupRoutes(app: FastifyInstance, context: GroupRoutesContext): void {
  const { store, now } = context;

  defineRoute(app, routes.listGroups, async () => ({ groups: await store.listGroups() }));

  defineRoute(app, routes.getGroup, async ({ params }) => {
    const members = await store.listGroupMembers(params.group);
    if (members.length === 0) {
      throw new HttpError(ErrorCode.NotFound, `no group "${params.group}"`);
    }
    return {
      name: params.group,
      members: members.map((m) => ({ user: m.user, addedAt: m.addedAt })),
    };
  });

  defineRoute(app, routes.addGroupMember, async ({ params }) =>
    store.addGroupMember({ group: params.group, user: params.user, addedAt: now() }),
  );

  defineRoute(app, routes.removeGroupMember, async ({ params }) => {
    if (await store.removeGroupMember(params.group, params.user)) return null;
    const members = await store.listGroupMembers(params.group);
    throw new HttpError(
      ErrorCode.NotFound,
      members.length === 0
        ? `no group "${params.group}"`
        : `user "${params.user}" is not a member of group "${params.group}"`,
    );
  });
}
