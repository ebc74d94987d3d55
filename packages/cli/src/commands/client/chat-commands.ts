import { UserError, UserErrorKind } from '@slipway/core';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { print, table } from './print.js';
import { readStdin } from './read-stdin.js';

/**
 * Sets the Slack app's signing secret, read from standard input with
 * `--signing-secret-stdin` (never printed), or, without it, shows whether one is set and
 * the Request URL paths to give Slack.
 */
export async function slackSettingsCommand(
  options: ServerOptions & {
    json: boolean;
    signingSecretStdin: boolean;
  },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  let settings;
  if (options.signingSecretStdin) {
    const secret = await readStdin(
      'pipe the signing secret on standard input (e.g. `slipway chat slack --signing-secret-stdin < secret.txt`)',
    );
    if (secret === '') {
      throw new UserError(UserErrorKind.Usage, 'the signing secret on standard input is empty');
    }
    settings = await call(() => client.putSlackSettings(secret));
  } else {
    settings = await call(() => client.getSlackSettings());
  }
  print(settings, options.json, (s) => [
    s.configured
      ? 'Slack: the signing secret is set'
      : 'Slack: no signing secret is set, so every Slack request is refused: set it with --signing-secret-stdin',
    `slash command Request URL: SERVER_URL${s.commandsPath}`,
    `interactivity Request URL: SERVER_URL${s.interactionsPath}`,
  ]);
  return ExitCode.Succeeded;
}

/** Maps a Slack user id to a Slipway user. */
export async function slackMapCommand(
  options: ServerOptions & {
    json: boolean;
    slackUser: string;
    user: string;
  },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const link = await call(() => client.putSlackUser(options.slackUser, options.user));
  print(link, options.json, (l) => [
    `Slack user ${l.slackUser} now acts as ${l.user}; ${l.user}'s project roles authorize their commands`,
  ]);
  return ExitCode.Succeeded;
}

/** Removes a Slack user's mapping. */
export async function slackUnmapCommand(
  options: ServerOptions & {
    json: boolean;
    slackUser: string;
  },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  await call(() => client.deleteSlackUser(options.slackUser));
  print({ slackUser: options.slackUser }, options.json, () => [
    `Slack user ${options.slackUser} is no longer mapped: their commands are refused`,
  ]);
  return ExitCode.Succeeded;
}

/** Lists the Slack users mapped to Slipway users. */
export async function slackUsersCommand(
  options: ServerOptions & { json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const list = await call(() => client.listSlackUsers());
  print(list, options.json, (l) =>
    table(
      ['SLACK USER', 'USER'],
      l.users.map((u) => [u.slackUser, u.user]),
    ),
  );
  return ExitCode.Succeeded;
}

/**
 * Sets the Slack channel of a project's approval requests (its incoming webhook URL read
 * from standard input, never printed), stops them with `--off`, or shows the channel.
 */
export async function slackChannelCommand(
  options: ServerOptions & {
    json: boolean;
    project: string;
    webhookUrlStdin: boolean;
    channel: string | undefined;
    off: boolean;
  },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  if (options.off) {
    await call(() => client.deleteProjectSlack(options.project));
    print({ project: options.project }, options.json, () => [
      `${options.project} no longer posts approval requests to Slack`,
    ]);
    return ExitCode.Succeeded;
  }
  if (!options.webhookUrlStdin) {
    if (options.channel !== undefined) {
      throw new UserError(
        UserErrorKind.Usage,
        'pass --webhook-url-stdin and pipe the incoming webhook URL on standard input to set the channel',
      );
    }
    const shown = await call(() => client.getProjectSlack(options.project));
    print(shown, options.json, (s) => [
      `${options.project} posts approval requests to Slack${s.channel === null ? '' : ` channel ${s.channel}`}`,
    ]);
    return ExitCode.Succeeded;
  }
  const webhookUrl = await readStdin(
    'pipe the incoming webhook URL on standard input (e.g. `… --webhook-url-stdin < webhook.txt`)',
  );
  const set = await call(() =>
    client.putProjectSlack(options.project, {
      webhookUrl,
      ...(options.channel !== undefined ? { channel: options.channel } : {}),
    }),
  );
  print(set, options.json, (s) => [
    `${options.project} now posts approval requests to Slack${s.channel === null ? '' : ` channel ${s.channel}`}`,
  ]);
  return ExitCode.Succeeded;
}
