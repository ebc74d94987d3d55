import { MergeMethodName } from '@slipway/api';
import { UserError, UserErrorKind } from '@slipway/core';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { print } from './print.js';

/**
 * Turns a project's auto-merge on (`--on`, with `--method`) or off (`--off`), or, with
 * neither, shows it.
 */
export async function projectAutoMergeCommand(
  options: ServerOptions & {
    project: string;
    on: boolean;
    off: boolean;
    method: string | undefined;
    json: boolean;
  },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  if (options.on && options.off) {
    throw new UserError(UserErrorKind.Usage, 'give --on or --off, not both');
  }
  const parsed =
    options.method === undefined ? undefined : MergeMethodName.safeParse(options.method);
  if (parsed !== undefined && !parsed.success) {
    throw new UserError(
      UserErrorKind.Usage,
      `--method takes merge, squash or rebase, not "${options.method ?? ''}"`,
    );
  }
  if (!options.on && !options.off) {
    if (parsed !== undefined) {
      throw new UserError(UserErrorKind.Usage, 'give --on with --method to change the method');
    }
    const settings = await call(() => client.getProjectForge(options.project));
    print(
      { enabled: settings.autoMerge !== null, method: settings.autoMerge },
      options.json,
      (s) => [
        s.method === null
          ? `auto-merge of ${options.project} is off`
          : `auto-merge of ${options.project} is on: ready pull requests merge by ${s.method}`,
      ],
    );
    return ExitCode.Succeeded;
  }
  const settings = await call(() =>
    client.putProjectAutoMerge(options.project, {
      enabled: options.on,
      ...(parsed?.data !== undefined ? { method: parsed.data } : {}),
    }),
  );
  print(settings, options.json, (s) => [
    s.method === null
      ? `auto-merge of ${options.project} is off`
      : `auto-merge of ${options.project} is on: ready pull requests merge by ${s.method}`,
  ]);
  return ExitCode.Succeeded;
}
