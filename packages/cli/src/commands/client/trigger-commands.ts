import { ForgeName, TriggerEventStatus } from '@slipway/api';
import { UserError, UserErrorKind } from '@slipway/core';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { print, table } from './print.js';
import { readStdin } from './read-stdin.js';

/**
 * Sets a project's webhook forge and secret. The secret is read from standard input
 * (`--secret-stdin`) so it stays out of shell history and process listings, and is never
 * printed; the output shows the path to give the forge.
 */
export async function projectWebhookCommand(
  options: ServerOptions & {
    project: string;
    forge: string;
    secretStdin: boolean;
    json: boolean;
  },
): Promise<ExitCode> {
  const forge = ForgeName.safeParse(options.forge);
  if (!forge.success) {
    throw new UserError(
      UserErrorKind.Usage,
      `--forge must be one of ${ForgeName.options.join(', ')}, not "${options.forge}"`,
    );
  }
  if (!options.secretStdin) {
    throw new UserError(
      UserErrorKind.Usage,
      'pass --secret-stdin and pipe the webhook secret on standard input (e.g. `openssl rand -hex 32 | tee secret.txt | slipway project webhook …`)',
    );
  }
  const secret = await readStdin('pipe the webhook secret on standard input');
  if (secret === '') {
    throw new UserError(UserErrorKind.Usage, 'the webhook secret on standard input is empty');
  }
  const { client, call } = connect(options);
  const settings = await call(() =>
    client.putProjectWebhook(options.project, { forge: forge.data, secret }),
  );
  print(settings, options.json, (s) => [
    `webhook of ${options.project} set for ${s.forge}: point the forge at SERVER_URL${s.path}`,
  ]);
  return ExitCode.Succeeded;
}

/** Lists a project's trigger events, newest first, with what became of each. */
export async function eventsCommand(
  options: ServerOptions & {
    project: string;
    status: string | undefined;
    limit: number;
    before: string | undefined;
    json: boolean;
  },
): Promise<ExitCode> {
  const status =
    options.status === undefined ? undefined : TriggerEventStatus.safeParse(options.status);
  if (status?.success === false) {
    throw new UserError(
      UserErrorKind.Usage,
      `--status must be one of ${TriggerEventStatus.options.join(', ')}, not "${options.status}"`,
    );
  }
  const { client, call } = connect(options);
  const list = await call(() =>
    client.listTriggerEvents(options.project, {
      limit: options.limit,
      ...(status?.data !== undefined ? { status: status.data } : {}),
      ...(options.before !== undefined ? { before: options.before } : {}),
    }),
  );
  print(list, options.json, (l) => [
    ...table(
      ['RECEIVED', 'SOURCE', 'KIND', 'STATUS', 'OUTCOME'],
      l.events.map((e) => [
        new Date(e.receivedAt).toISOString(),
        e.source,
        e.kind,
        e.status,
        e.outcome ?? '',
      ]),
    ),
    ...(l.nextBefore !== null ? [`more: --before ${l.nextBefore}`] : []),
  ]);
  return ExitCode.Succeeded;
}
