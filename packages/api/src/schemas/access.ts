import type { ProjectRole as CoreProjectRole, TokenKind as CoreTokenKind } from '@slipway/core';
import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { covering } from './covering.js';

/** A user's role in a project; each includes the ones before it. */
export const ProjectRole = covering<CoreProjectRole>()(z.enum(['viewer', 'developer', 'admin']));
export type ProjectRole = z.infer<typeof ProjectRole>;

/** `user` for the API; `agent` for the agent protocol only. */
export const TokenKind = covering<CoreTokenKind>()(z.enum(['user', 'agent']));
export type TokenKind = z.infer<typeof TokenKind>;

/** A user name as tokens and role bindings name users. */
export const UserName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/,
    'use 1 to 128 letters, digits, ".", "_", "@", "+" or "-", starting with a letter or digit',
  );

export const CreateTokenRequest = z
  .strictObject({
    name: z.string().min(1).max(100).describe('What the token is for, such as "ci" or "laptop".'),
    user: UserName.describe('The user the token acts as; role bindings name users.'),
    admin: z
      .boolean()
      .optional()
      .describe('An admin token may do everything in every project. Default: false.'),
    kind: TokenKind.optional().describe(
      '`agent` makes a token accepted only by the agent protocol. Default: `user`.',
    ),
  })
  .refine((body) => !(body.admin === true && body.kind === 'agent'), {
    error: 'an agent token cannot be an admin token',
    path: ['admin'],
  });
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

/** A token as the API shows it: never the token or its hash. */
export const TokenInfo = z.object({
  id: Id,
  name: z.string(),
  user: z.string(),
  kind: TokenKind,
  admin: z.boolean(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable().describe('To the minute or so; null when never used.'),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

/** A token just made: the only answer that holds the token itself. */
export const CreatedToken = TokenInfo.extend({
  token: z.string().describe('Shown only this once; the server keeps its hash.'),
});
export type CreatedToken = z.infer<typeof CreatedToken>;

export const TokenList = z.object({ tokens: z.array(TokenInfo) });
export type TokenList = z.infer<typeof TokenList>;

export const TokenPath = z.object({ id: Id });

export const SetRoleRequest = z.strictObject({ role: ProjectRole });
export type SetRoleRequest = z.infer<typeof SetRoleRequest>;

/** A user's (or a group's) role in a project. */
export const RoleBinding = z.object({
  projectId: Id,
  user: z.string().describe('A user, or `group:NAME` for every member of a group.'),
  role: ProjectRole,
  updatedAt: Timestamp,
});
export type RoleBinding = z.infer<typeof RoleBinding>;

export const RoleList = z.object({ roles: z.array(RoleBinding) });
export type RoleList = z.infer<typeof RoleList>;

/** The name of a group of users, as an identity provider would name it. */
export const GroupName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/,
    'use 1 to 128 letters, digits, ".", "_", "@", "+" or "-", starting with a letter or digit',
  );

/** Whom a role binding gives its role: a user, or every member of a group as `group:NAME`. */
export const RoleSubject = z
  .string()
  .regex(
    /^(group:)?[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/,
    'name a user (1 to 128 letters, digits, ".", "_", "@", "+" or "-", starting with a letter or digit) or a group as group:NAME',
  );

export const RolePath = z.object({
  project: z.string().min(1).max(200),
  user: RoleSubject.describe('A user, or `group:NAME` for every member of a group.'),
});

/** Who the caller is and what they may do: their token's user, whether admin, their roles. */
export const CallerAccess = z.object({
  user: z.string(),
  admin: z.boolean().describe('An admin may do everything in every project.'),
  roles: z
    .array(z.object({ projectId: Id, role: ProjectRole }))
    .describe(
      "The caller's role in each project where they have one, the highest of their own and their groups' (none listed for admins).",
    ),
  groups: z.array(z.string()).describe('The groups the caller belongs to, by name.'),
});
export type CallerAccess = z.infer<typeof CallerAccess>;

export const GroupPath = z.object({ group: GroupName });
export const GroupMemberPath = z.object({ group: GroupName, user: UserName });

/** A user's membership of a group. */
export const GroupMember = z.object({
  group: z.string(),
  user: z.string(),
  addedAt: Timestamp.describe('When the user was first added.'),
});
export type GroupMember = z.infer<typeof GroupMember>;

/** A group and its members, by user. */
export const Group = z.object({
  name: z.string(),
  members: z.array(z.object({ user: z.string(), addedAt: Timestamp })),
});
export type Group = z.infer<typeof Group>;

/** Every group with members, by name. */
export const GroupList = z.object({
  groups: z.array(z.object({ name: z.string(), members: z.number().int() })),
});
export type GroupList = z.infer<typeof GroupList>;
