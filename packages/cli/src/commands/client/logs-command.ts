import { UserError, UserErrorKind } from '@slipway/core';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';

const SETTLED = new Set(['succeeded', 'failed', 'skipped', 'cancelled', 'lost']);

/**
 * Prints the logs of a run's tasks (all, or one), in plan order; with `follow`, keeps
 * printing new output until the tasks have settled.
 */
export async function logsCommand(
  options: ServerOptions & {
    run: string;
    task: string | undefined;
    follow: boolean;
    json: boolean;
  },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const detail = await call(() => client.getRun(options.run));
  const tasks = options.task
    ? detail.tasks.filter((t) => t.taskId === options.task || t.name === options.task)
    : detail.tasks;
  if (tasks.length === 0) {
    throw new UserError(
      UserErrorKind.NotFound,
      `run ${options.run} has no task "${options.task ?? ''}"; its tasks are ${detail.tasks.map((t) => t.taskId).join(', ')}`,
    );
  }
  const prefix = tasks.length > 1;
  const next = new Map(tasks.map((t) => [t.taskId, -1]));
  const drain = async () => {
    for (const { taskId } of tasks) {
      for (;;) {
        const logs = await call(() =>
          client.readTaskLogs(options.run, taskId, { after: next.get(taskId) ?? -1 }),
        );
        if (logs.chunks.length === 0) break;
        next.set(taskId, logs.next);
        for (const chunk of logs.chunks) {
          process.stdout.write(
            options.json
              ? `${JSON.stringify({ task: taskId, ...chunk })}\n`
              : prefix
                ? chunk.text.replace(/^(?=.)/gm, `[${taskId}] `)
                : chunk.text,
          );
        }
      }
    }
  };
  await drain();
  while (options.follow) {
    const current = await call(() => client.getRun(options.run));
    const running = current.tasks.some((t) => next.has(t.taskId) && !SETTLED.has(t.status));
    await drain();
    if (!running) break;
    await new Promise((done) => setTimeout(done, 500));
  }
  return ExitCode.Succeeded;
}
