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
