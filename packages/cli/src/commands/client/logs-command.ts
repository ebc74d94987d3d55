import { RunStatus, TaskStatus, UserError, UserErrorKind } from '@slipway/core';
import type { LogChunk, RunDetail, SlipwayClient, Task } from '@slipway/api';
import { ExitCode } from '../../exit-codes.js';
import { exitCodeForRunStatus } from '../../run-exit-code.js';
import { connect, type ServerOptions } from './connect.js';

const SETTLED = new Set<string>([
  TaskStatus.Succeeded,
  TaskStatus.Failed,
  TaskStatus.Skipped,
  TaskStatus.Cancelled,
  TaskStatus.Lost,
]);
const FINISHED = new Set<string>([
  RunStatus.Succeeded,
  RunStatus.Failed,
  RunStatus.Cancelled,
  RunStatus.TimedOut,
]);
/** Pause between looks at the run while a task waits for its next attempt, or the run for its end. */
const POLL_MS = 500;

type LogsOptions = ServerOptions & {
  run: string;
  task: string | undefined;
  follow: boolean;
  json: boolean;
};

/**
 * Prints the logs of a run's tasks (all, or one), in plan order. With `follow`, streams
 * each task's output as it is written (server-sent events, resumed from the last chunk
 * received after a dropped connection), through every attempt, until the task — or the
 * whole run — has settled, and exits with the code its status maps to.
 */
export async function logsCommand(options: LogsOptions): Promise<ExitCode> {
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
  const output = new LogOutput(options.json, tasks.length > 1);
  if (!options.follow) {
    for (const { taskId } of tasks) {
      let after = -1;
      for (;;) {
        const logs = await call(() => client.readTaskLogs(options.run, taskId, { after }));
        if (logs.chunks.length === 0) break;
        after = logs.next;
        for (const chunk of logs.chunks) output.write(taskId, chunk);
      }
      output.flush(taskId);
    }
    return ExitCode.Succeeded;
  }

  await Promise.all(
    tasks.map((task) =>
      call(() => followTask(client, options.run, task.taskId, output)).finally(() => {
        output.flush(task.taskId);
      }),
    ),
  );
  const end = await call(() =>
    untilFinished(client, options.run, (d) =>
      options.task === undefined ? FINISHED.has(d.run.status) : true,
    ),
  );
  if (options.task === undefined) return exitCodeForRunStatus(end.run.status);
  const settled = tasks.map((t) => end.tasks.find((e) => e.taskId === t.taskId) ?? t);
  return exitCodeForTasks(settled, end);
}

/**
 * Streams every attempt of one task until the task has settled. A stream ends with its
 * attempt; when the task has a later attempt by then (a retry), that one is followed
 * next, else the run is looked at again until one appears or the task settles.
 */
async function followTask(
  client: SlipwayClient,
  runId: string,
  taskId: string,
  output: LogOutput,
): Promise<void> {
  let followed = 0;
  for (;;) {
    const stream = client.followTaskLogs(runId, taskId);
    let next = await stream.next();
    while (next.done !== true) {
      output.write(taskId, next.value);
      next = await stream.next();
    }
    followed = Math.max(followed, next.value.attempt);
    for (;;) {
      const task = (await client.getRun(runId)).tasks.find((t) => t.taskId === taskId);
      if (task === undefined || (SETTLED.has(task.status) && task.attempt <= followed)) return;
      if (task.attempt > followed) {
        output.note(taskId, `attempt ${String(task.attempt)}`);
        break;
      }
      await sleep(POLL_MS);
    }
  }
}

async function untilFinished(
  client: SlipwayClient,
  runId: string,
  done: (detail: RunDetail) => boolean,
): Promise<RunDetail> {
  for (;;) {
    const detail = await client.getRun(runId);
    if (done(detail)) return detail;
    await sleep(POLL_MS);
  }
}

/**
 * The exit code for followed tasks once settled: 0 when each succeeded or was skipped,
 * 1 when one failed or was lost; a cancelled task exits as its run did (124 after the
 * run's timeout), or 130.
 */
function exitCodeForTasks(tasks: readonly Task[], detail: RunDetail): ExitCode {
  if (tasks.some((t) => t.status === TaskStatus.Failed || t.status === TaskStatus.Lost)) {
    return ExitCode.RunFailed;
  }
  if (tasks.some((t) => t.status === TaskStatus.Cancelled)) {
    return detail.run.status === RunStatus.TimedOut ? ExitCode.TimedOut : ExitCode.Cancelled;
  }
  return ExitCode.Succeeded;
}

/**
 * Writes chunks to stdout: raw text for one task; `[task] ` before each line when several
 * tasks interleave (a task's partial last line is held until it ends, so prefixes stay
 * at line starts); one JSON object per chunk with `json`.
 */
class LogOutput {
  private readonly partial = new Map<string, string>();

  constructor(
    private readonly json: boolean,
    private readonly prefixed: boolean,
  ) {}

  write(taskId: string, chunk: LogChunk): void {
    if (this.json) {
      process.stdout.write(`${JSON.stringify({ task: taskId, ...chunk })}\n`);
      return;
    }
    if (!this.prefixed) {
      process.stdout.write(chunk.text);
      return;
    }
    const text = (this.partial.get(taskId) ?? '') + chunk.text;
    const cut = text.lastIndexOf('\n') + 1;
    this.partial.set(taskId, text.slice(cut));
    if (cut > 0) process.stdout.write(prefixLines(taskId, text.slice(0, cut)));
  }

  /** Writes what is held of the task's last line. */
  flush(taskId: string): void {
    const rest = this.partial.get(taskId);
    this.partial.delete(taskId);
    if (rest) process.stdout.write(`${prefixLines(taskId, rest)}\n`);
  }

  /** A line about the stream itself (a new attempt), on stderr. */
  note(taskId: string, text: string): void {
    if (this.json) return;
    this.flush(taskId);
    process.stderr.write(`${this.prefixed ? `[${taskId}] ` : ''}— ${text} —\n`);
  }
}

function prefixLines(taskId: string, text: string): string {
  return text.replace(/^(?=.)/gm, `[${taskId}] `);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
