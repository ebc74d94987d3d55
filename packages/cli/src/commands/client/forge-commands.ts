import type { PullRequestStatus } from '@slipway/api';
import { UserError, UserErrorKind } from '@slipway/core';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { print, table } from './print.js';
import { readStdin } from './read-stdin.js';

/**
 * Sets where a project's runs report commit statuses (`--repository`, `--api-url`, the
 * API token read from standard input with `--token-stdin`, never printed), or, without
 * `--repository`, shows the settings.
 */
export async function projectForgeCommand(
  options: ServerOptions & {
    project: string;
    repository: string | undefined;
    apiUrl: string | undefined;
    tokenStdin: boolean;
    users: readonly string[];
    json: boolean;
  },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  if (options.repository === undefined) {
    if (options.tokenStdin || options.apiUrl !== undefined || options.users.length > 0) {
      throw new UserError(
        UserErrorKind.Usage,
        'give the repository with --repository OWNER/NAME (GitLab: GROUP/NAME) to change the forge settings',
      );
    }
    const settings = await call(() => client.getProjectForge(options.project));
    print(settings, options.json, (s) => [
      `${options.project} reports to ${s.forge} ${s.repository} at ${s.apiUrl}`,
      ...Object.entries(s.users).map(([login, user]) => `  forge login ${login} is user ${user}`),
    ]);
    return ExitCode.Succeeded;
  }
  if (!options.tokenStdin) {
    throw new UserError(
      UserErrorKind.Usage,
      'pass --token-stdin and pipe the forge API token on standard input (e.g. `slipway project forge … --token-stdin < token.txt`)',
    );
  }
  const token = await readStdin('pipe the forge API token on standard input');
  if (token === '') {
    throw new UserError(UserErrorKind.Usage, 'the forge API token on standard input is empty');
  }
  const settings = await call(() =>
    client.putProjectForge(options.project, {
      repository: options.repository ?? '',
      token,
      users: parseUserMappings(options.users),
      ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
    }),
  );
  print(settings, options.json, (s) => [
    `${options.project} now reports commit statuses to ${s.forge} ${s.repository} at ${s.apiUrl}`,
  ]);
  return ExitCode.Succeeded;
}

/** Reads `LOGIN=USER` pairs of `--user` into a map. */
export function parseUserMappings(pairs: readonly string[]): Record<string, string> {
  const users: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) {
      throw new UserError(
        UserErrorKind.Usage,
        `--user takes LOGIN=USER (a forge login and a Slipway user name), not "${pair}"`,
      );
    }
    users[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return users;
}

/** Shows what is recorded about a pull request: labels, a wait for /ok-to-test, checks. */
export async function prStatusCommand(
  options: ServerOptions & { project: string; number: number; json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const status = await call(() => client.getPullRequestStatus(options.project, options.number));
  print(status, options.json, (s) => [
    `pull request #${s.number} of ${options.project}${s.headCommit !== null ? ` at ${s.headCommit.slice(0, 12)}` : ''}`,
    `approved: ${s.labels.approved.length > 0 ? `yes (${s.labels.approved.join(', ')})` : 'no'}`,
    `held:     ${s.labels.held.length > 0 ? `yes (${s.labels.held.join(', ')})` : 'no'}`,
    `lgtm:     ${s.labels.lgtm.length > 0 ? `yes (${s.labels.lgtm.join(', ')})` : 'no'}`,
    ...(s.waitingForOkToTest ? ['waiting:  for /ok-to-test from a project member (fork)'] : []),
    `merge:    ${mergeLine(s.merge)}`,
    ...s.merge.reasons.map((reason) => `  - ${reason}`),
    ...table(
      ['CHECK', 'STATE', 'DESCRIPTION'],
      s.checks.map((c) => [c.context, c.state, c.description]),
    ),
  ]);
  return ExitCode.Succeeded;
}

/** The auto-merge state in words. */
function mergeLine(merge: PullRequestStatus['merge']): string {
  switch (merge.state) {
    case 'off':
      return 'off';
    case 'blocked':
      return 'not merging, because:';
    case 'ready':
    case 'merging':
      return `merging (${merge.method ?? 'merge'})${merge.lastError !== null ? `, retrying after: ${merge.lastError}` : ''}`;
    case 'merged':
      return 'merged';
    case 'failed':
      return 'failed:';
  }
}
