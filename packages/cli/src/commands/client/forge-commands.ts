import { UserError, UserErrorKind } from '@slipway/core';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { print } from './print.js';
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
    json: boolean;
  },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  if (options.repository === undefined) {
    if (options.tokenStdin || options.apiUrl !== undefined) {
      throw new UserError(
        UserErrorKind.Usage,
        'give the repository with --repository OWNER/NAME (GitLab: GROUP/NAME) to change the forge settings',
      );
    }
    const settings = await call(() => client.getProjectForge(options.project));
    print(settings, options.json, (s) => [
      `${options.project} reports to ${s.forge} ${s.repository} at ${s.apiUrl}`,
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
      ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
    }),
  );
  print(settings, options.json, (s) => [
    `${options.project} now reports commit statuses to ${s.forge} ${s.repository} at ${s.apiUrl}`,
  ]);
  return ExitCode.Succeeded;
}
