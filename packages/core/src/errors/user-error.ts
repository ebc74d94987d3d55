/**
 * The one error taxonomy. A {@link UserError} is something the person using Slipway can
 * fix (a bad pipeline file, a wrong flag, a missing container engine); its message says
 * what to do and is shown without a stack trace. Every other thrown value is a bug in
 * Slipway and is reported as one.
 */
export const UserErrorKind = {
  /** A pipeline file or template is invalid. */
  Config: 'config',
  /** A command-line flag, parameter or request is invalid. */
  Usage: 'usage',
  /** Something the machine must provide is missing (a container engine, git, a file). */
  Environment: 'environment',
  /** The named object does not exist. */
  NotFound: 'not_found',
} as const;
export type UserErrorKind = (typeof UserErrorKind)[keyof typeof UserErrorKind];

/** An error the user can fix; `message` says what went wrong and what to do. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(
    readonly kind: UserErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** True when `error` is a {@link UserError}, even one from another copy of this module. */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
