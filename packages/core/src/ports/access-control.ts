/** What a token may be used for. */
export const TokenKind = {
  /** A person's or a tool's token for the API; its user's roles decide what it may do. */
  User: 'user',
  /** An agent's token, accepted only by the agent protocol routes. */
  Agent: 'agent',
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/**
 * What a user may do in one project; each role includes the ones before it. A viewer
 * reads; a developer also triggers, cancels, retries, reruns and approves; an admin also
 * manages the project's secrets, settings and role bindings.
 */
export const ProjectRole = {
  Viewer: 'viewer',
  Developer: 'developer',
  Admin: 'admin',
} as const;
export type ProjectRole = (typeof ProjectRole)[keyof typeof ProjectRole];

/** A token to store: its SHA-256 (hex), never the token itself. */
export interface NewToken {
  readonly name: string;
  /** The user the token acts as; role bindings name users. */
  readonly user: string;
  readonly kind: TokenKind;
  /** An admin token may do everything, in every project; only user tokens may be admin. */
  readonly admin: boolean;
  readonly hash: string;
  readonly createdAt: number;
}

/** A stored token, without its hash. */
export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly kind: TokenKind;
  readonly admin: boolean;
  readonly createdAt: number;
  /** When the token was last used, to the minute or so; null when never. */
  readonly lastUsedAt: number | null;
}

/** A user's role in a project. */
export interface RoleBinding {
  readonly projectId: string;
  readonly user: string;
  readonly role: ProjectRole;
  /** When this role was given (a changed role counts as given anew). */
  readonly updatedAt: number;
}

/** How a role binding names a group instead of a user: `group:NAME`. */
export const GROUP_SUBJECT_PREFIX = 'group:';

/** The role binding subject that names a group (`group:platform-team`). */
export function groupSubject(group: string): string {
  return `${GROUP_SUBJECT_PREFIX}${group}`;
}

/** The group a role binding subject names; null when it names a user. */
export function groupOfSubject(subject: string): string | null {
  return subject.startsWith(GROUP_SUBJECT_PREFIX)
    ? subject.slice(GROUP_SUBJECT_PREFIX.length)
    : null;
}

function roleRank(role: ProjectRole): number {
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
  return roleRank(has) >= roleRank(needs);
}

/** The highest of some roles; null for none. */
export function highestRole(roles: Iterable<ProjectRole>): ProjectRole | null {
  let highest: ProjectRole | null = null;
  for (const role of roles) {
    if (highest === null || roleRank(role) > roleRank(highest)) highest = role;
  }
  return highest;
}

/**
 * A user's membership of a named group, as an identity provider would supply it. A role
 * binding whose subject is `group:NAME` (see {@link groupSubject}) gives its role to every
 * member; a user's role in a project is the highest of their own binding and their
 * groups' bindings. A group exists while it has members.
 */
export interface GroupMembership {
  readonly group: string;
  readonly user: string;
  /** When the user was added (adding a member again keeps the first time). */
  readonly addedAt: number;
}

/** A group and how many members it has. */
export interface GroupSummary {
  readonly name: string;
  readonly members: number;
}
