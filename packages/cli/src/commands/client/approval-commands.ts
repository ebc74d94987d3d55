import { isApiError } from '@slipway/api';
import { UserError, UserErrorKind } from '@slipway/core';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { print } from './print.js';

/** Approves or rejects an approval task of a run on the server and shows the task after. */
export async function approvalCommand(
  options: ServerOptions & {
    run: string;
    task: string;
    decision: 'approve' | 'reject';
    comment: string | undefined;
    json: boolean;
  },
): Promise<ExitCode> {
  const comment = options.comment?.trim();
  if (options.decision === 'reject' && !comment) {
    throw new UserError(
      UserErrorKind.Usage,
      'a rejection needs a reason: pass --comment "why it is rejected"',
    );
  }
  const { client, call } = connect(options);
  const decide = () =>
    options.decision === 'approve'
      ? client.approveTask(options.run, options.task, comment === '' ? undefined : comment)
      : client.rejectTask(options.run, options.task, comment);
  const task = await call(async () => {
    try {
      return await decide();
    } catch (error) {
      // The server names who may decide; a role hint would only mislead.
      if (isApiError(error) && error.status === 403 && error.message.startsWith('only ')) {
        throw new UserError(UserErrorKind.Usage, error.message);
      }
      throw error;
    }
  });
  print(task, options.json, (t) => {
    const decided = t.approval?.decision;
    const verb = decided?.decision === 'reject' ? 'rejected' : 'approved';
    return [
      `task ${t.taskId} of run ${options.run}: ${verb} by ${decided?.by ?? 'you'}; now ${t.status}` +
        (t.reason ? ` (${t.reason})` : ''),
    ];
  });
  return ExitCode.Succeeded;
}
