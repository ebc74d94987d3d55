import { UserError, UserErrorKind } from '@slipway/core';
import { ProjectRole } from '@slipway/api';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { print, table } from './print.js';

/**
 * Gives a user, or every member of a group (`group:NAME`), a role in a project (project
 * admins), replacing the one they had.
 */
export async function roleSetCommand(
  options: ServerOptions & { json: boolean; project: string; subject: string; role: string },
): Promise<ExitCode> {
  const parsed = ProjectRole.safeParse(options.role);
  if (!parsed.success) {
    throw new UserError(
      UserErrorKind.Usage,
      `unknown role "${options.role}": use ${ProjectRole.options.join(', ')}`,
    );
  }
  const { client, call } = connect(options);
  const binding = await call(() => client.setRole(options.project, options.subject, parsed.data));
  print(binding, options.json, (b) => [
    b.user.startsWith('group:')
      ? `members of group ${b.user.slice('group:'.length)} now have the ${b.role} role in ${options.project}`
      : `${b.user} now has the ${b.role} role in ${options.project}`,
  ]);
  return ExitCode.Succeeded;
}

/** Lists a project's role bindings, of users and of groups (project admins). */
export async function roleListCommand(
  options: ServerOptions & { json: boolean; project: string },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const roles = await call(() => client.listRoles(options.project));
  print({ roles }, options.json, (l) =>
    table(
      ['USER OR GROUP', 'ROLE'],
      l.roles.map((b) => [b.user, b.role]),
    ),
  );
  return ExitCode.Succeeded;
}

/** Takes a user's (or a `group:NAME`'s) role in a project away (project admins). */
export async function roleRemoveCommand(
  options: ServerOptions & { json: boolean; project: string; subject: string },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  await call(() => client.deleteRole(options.project, options.subject));
  print({ project: options.project, user: options.subject }, options.json, (r) => [
    r.user.startsWith('group:')
      ? `group ${r.user.slice('group:'.length)} has no role in ${r.project} any more`
      : `${r.user} has no role of their own in ${r.project} any more (roles bound to their groups still apply)`,
  ]);
  return ExitCode.Succeeded;
}
