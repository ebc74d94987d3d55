import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { elapsed, print, table } from './print.js';

/** Makes a user a member of a group (server admins); the group's role bindings apply to them. */
export async function groupAddMemberCommand(
  options: ServerOptions & { json: boolean; group: string; user: string },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const membership = await call(() => client.addGroupMember(options.group, options.user));
  print(membership, options.json, (m) => [
    `${m.user} is a member of group ${m.group}: roles bound to group:${m.group} apply to them`,
  ]);
  return ExitCode.Succeeded;
}

/** Takes a user out of a group (server admins); the group's roles stop applying at once. */
export async function groupRemoveMemberCommand(
  options: ServerOptions & { json: boolean; group: string; user: string },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  await call(() => client.removeGroupMember(options.group, options.user));
  print({ group: options.group, user: options.user }, options.json, (m) => [
    `${m.user} is no longer a member of group ${m.group}`,
  ]);
  return ExitCode.Succeeded;
}

/** Lists the groups with how many members each has. */
export async function groupListCommand(
  options: ServerOptions & { json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const groups = await call(() => client.listGroups());
  print({ groups }, options.json, (l) =>
    l.groups.length === 0
      ? ['no groups: add a member with `slipway group add-member GROUP USER`']
      : table(
          ['GROUP', 'MEMBERS'],
          l.groups.map((g) => [g.name, String(g.members)]),
        ),
  );
  return ExitCode.Succeeded;
}

/** Shows a group's members. */
export async function groupShowCommand(
  options: ServerOptions & { json: boolean; group: string },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const group = await call(() => client.getGroup(options.group));
  print(group, options.json, (g) =>
    table(
      ['USER', 'ADDED'],
      g.members.map((m) => [m.user, `${elapsed(m.addedAt, null)} ago`]),
    ),
  );
  return ExitCode.Succeeded;
}
