import type { PollSettings } from '@slipway/api';
import {
  DurationSchema,
  durationToMs,
  formatDuration,
  UserError,
  UserErrorKind,
} from '@slipway/core';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { print } from './print.js';

/**
 * `slipway project poll NAME`: with `--every`, polls the project's repository at that
 * interval; with `--off`, stops; with `--reset`, closes an open breaker (admins). Without
 * any, shows the polling state. One of them at a time.
 */
export async function projectPollCommand(
  options: ServerOptions & {
    project: string;
    every: string | undefined;
    off: boolean;
    reset: boolean;
    json: boolean;
  },
): Promise<ExitCode> {
  const chosen = [options.every !== undefined, options.off, options.reset].filter(Boolean);
  if (chosen.length > 1) {
    throw new UserError(UserErrorKind.Usage, 'give one of --every, --off and --reset at a time');
  }
  const { client, call } = connect(options);
  if (options.off) {
    await call(() => client.deleteProjectPoll(options.project));
    print({ project: options.project, polled: false }, options.json, () => [
      `${options.project} is no longer polled`,
    ]);
    return ExitCode.Succeeded;
  }
  let settings: PollSettings;
  if (options.every !== undefined) {
    const intervalSeconds = Math.round(parseEvery(options.every) / 1000);
    settings = await call(() => client.putProjectPoll(options.project, { intervalSeconds }));
  } else if (options.reset) {
    settings = await call(() => client.resetProjectPoll(options.project));
  } else {
    settings = await call(() => client.getProjectPoll(options.project));
  }
  print(settings, options.json, (s) => describe(options.project, s));
  return ExitCode.Succeeded;
}

function parseEvery(every: string): number {
  const parsed = DurationSchema.safeParse(every);
  if (!parsed.success) {
    throw new UserError(
      UserErrorKind.Usage,
      `--every takes a duration such as 30s, 5m or 1h, not "${every}"`,
    );
  }
  return durationToMs(parsed.data);
}

function describe(project: string, s: PollSettings): string[] {
  const at = (time: number | null) => (time === null ? 'never' : new Date(time).toISOString());
  return [
    `${project} is polled every ${formatDuration(s.intervalSeconds * 1000)}`,
    `breaker:     ${s.breaker}${s.breakerReason !== null ? ` since ${at(s.breakerOpenedAt)}: ${s.breakerReason}` : ''}`,
    ...(s.breaker === 'open'
      ? [`             an admin resets it with \`slipway project poll ${project} --reset\``]
      : []),
    `last poll:   ${at(s.lastPolledAt)}${s.heads !== null ? ` (${s.heads} branch and tag heads)` : ''}`,
    `next poll:   ${s.breaker === 'open' ? 'none while the breaker is open' : at(s.nextPollAt)}`,
    `failures:    ${s.failures} in a row${s.lastError !== null ? ` (last: ${s.lastError})` : ''}`,
  ];
}
