import { UserError, UserErrorKind } from '@slipway/core';
import { SECRET_VALUE_MAX_LENGTH, SecretName } from '@slipway/api';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { print, table } from './print.js';
import { readStdin } from './read-stdin.js';

/**
 * Sets a project secret. The value comes from standard input unless given with
 * `--value`, so it stays out of shell history and process listings.
 */
export async function secretSetCommand(
  options: ServerOptions & {
    project: string;
    name: string;
    value: string | undefined;
    json: boolean;
  },
): Promise<ExitCode> {
  const name = SecretName.safeParse(options.name);
  if (!name.success) {
    const why = name.error.issues.map((issue) => issue.message).join('; ');
    throw new UserError(UserErrorKind.Usage, `"${options.name}" cannot name a secret: ${why}`);
  }
  const value =
    options.value ??
    (await readStdin(
      'pipe the secret value on standard input (e.g. `printf %s "$VALUE" | slipway secret set …`) or pass --value',
    ));
  if (value === '') {
    throw new UserError(
      UserErrorKind.Usage,
      options.value === undefined
        ? `no value for secret ${options.name}: pipe it on standard input or pass --value`
        : `the --value given for secret ${options.name} is empty: a secret needs a value`,
    );
  }
  if (value.length > SECRET_VALUE_MAX_LENGTH) {
    throw new UserError(
      UserErrorKind.Usage,
      `the value of secret ${options.name} is ${value.length} characters long; a secret holds at most ${SECRET_VALUE_MAX_LENGTH} characters`,
    );
  }
  const { client, call } = connect(options);
  const info = await call(() => client.putSecret(options.project, options.name, value));
  print(info, options.json, (i) => [`secret ${i.name} set on ${options.project}`]);
  return ExitCode.Succeeded;
}

/** Lists a project's secret names (values are never shown). */
export async function secretListCommand(
  options: ServerOptions & { project: string; json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const list = await call(() => client.listSecrets(options.project));
  print(list, options.json, (l) =>
    table(
      ['NAME', 'UPDATED'],
      l.map((s) => [s.name, new Date(s.updatedAt).toISOString()]),
    ),
  );
  return ExitCode.Succeeded;
}

/** Deletes a project secret. */
export async function secretDeleteCommand(
  options: ServerOptions & { project: string; name: string; json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  await call(() => client.deleteSecret(options.project, options.name));
  print({ deleted: options.name }, options.json, () => [
    `secret ${options.name} deleted from ${options.project}`,
  ]);
  return ExitCode.Succeeded;
}
