import { UserError, UserErrorKind, type GivenParam } from '@slipway/core';
import { RunStatus, type RunDetail } from '@slipway/api';
import { ExitCode } from '../../exit-codes.js';
import { exitCodeForRunStatus } from '../../run-exit-code.js';
import { connect, type ServerOptions } from './connect.js';
import { elapsed, print, table } from './print.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

/** Starts a run of a project's pipeline; with `wait`, follows it to the end. */
export async function triggerCommand(
  options: ServerOptions & {
    project: string;
    pipeline: string | undefined;
    ref: string | undefined;
    params: Readonly<Record<string, GivenParam>>;
    wait: boolean;
    json: boolean;
  },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const run = await call(() =>
    client.createRun(options.project, {
      ...(options.pipeline ? { pipeline: options.pipeline } : {}),
      ...(options.ref ? { ref: options.ref } : {}),
      params: options.params,
    }),
  );
  if (!options.wait) {
    print(run, options.json, (r) => [
      `run ${r.id}: ${r.projectName} #${r.number} (${r.pipeline}) ${r.status}`,
    ]);
    return ExitCode.Succeeded;
  }
  let detail = await call(() => client.getRun(run.id));
  while (!FINISHED.has(detail.run.status)) {
    await new Promise((done) => setTimeout(done, 500));
    detail = await call(() => client.getRun(run.id));
  }
  print(detail, options.json, showRun);
  return exitCodeForRunStatus(detail.run.status);
}

/** Lists runs, newest first. */
export async function runsListCommand(
  options: ServerOptions & {
    project: string | undefined;
    status: string | undefined;
    limit: number;
    json: boolean;
  },
): Promise<ExitCode> {
  const status = options.status === undefined ? undefined : RunStatus.safeParse(options.status);
  if (status?.success === false) {
    throw new UserError(
      UserErrorKind.Usage,
      `--status must be one of ${RunStatus.options.join(', ')}, not "${options.status}"`,
    );
  }
  const { client, call } = connect(options);
  const list = await call(() =>
    client.listRuns({
      ...(options.project ? { project: options.project } : {}),
      ...(status?.data !== undefined ? { status: status.data } : {}),
      limit: options.limit,
    }),
  );
  print(list, options.json, (l) =>
    table(
      ['RUN', 'PROJECT', '#', 'PIPELINE', 'STATUS', 'REF', 'DURATION'],
      l.runs.map((r) => [
        r.id,
        r.projectName,
        String(r.number),
        r.pipeline,
        r.status,
        r.trigger.branch ?? r.trigger.tag ?? '',
        elapsed(r.startedAt, r.finishedAt),
      ]),
    ),
  );
  return ExitCode.Succeeded;
}

/** Shows a run and its tasks. */
export async function runsShowCommand(
  options: ServerOptions & { id: string; json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const detail = await call(() => client.getRun(options.id));
  print(detail, options.json, showRun);
  return ExitCode.Succeeded;
}

/** Cancels a run: running steps are stopped, `finally` tasks still run (unless `kill`). */
export async function cancelCommand(
  options: ServerOptions & { id: string; kill: boolean; json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const before = await call(() => client.getRun(options.id));
  if (FINISHED.has(before.run.status)) {
    print(before.run, options.json, (r) => [
      `run ${r.id} had already finished (${r.status}): nothing to cancel`,
    ]);
    return ExitCode.Succeeded;
  }
  const run = await call(() =>
    client.cancelRun(options.id, { mode: options.kill ? 'kill' : 'cancel' }),
  );
  print(run, options.json, (r) => [`run ${r.id}: ${r.status}`]);
  return ExitCode.Succeeded;
}

function showRun(detail: RunDetail): string[] {
  const { run } = detail;
  const commit = run.trigger.commit ? ` at ${run.trigger.commit.slice(0, 12)}` : '';
  return [
    `run ${run.id}: ${run.projectName} #${run.number}, pipeline ${run.pipeline}${commit}: ${run.status}`,
    '',
    ...table(
      ['TASK', 'STATUS', 'ATTEMPT', 'DURATION', 'REASON'],
      detail.tasks.map((t) => [
        t.taskId,
        t.status,
        String(t.attempt),
        elapsed(t.startedAt, t.finishedAt),
        t.reason ?? approvalNote(t),
      ]),
    ),
  ];
}

/** What an approval task asks, or who approved it, for the REASON column. */
function approvalNote(task: RunDetail['tasks'][number]): string {
  const approval = task.approval;
  if (approval === undefined) return '';
  const decided = approval.decision;
  if (decided !== null) {
    const verb = decided.decision === 'approve' ? 'approved' : 'rejected';
    return `${verb} by ${decided.by}${decided.comment === null ? '' : `: ${decided.comment}`}`;
  }
  if (task.status !== 'waiting') return '';
  const who = approval.approvers === null ? '' : ` (approvers: ${approval.approvers.join(', ')})`;
  return `awaiting a decision${approval.message === null ? '' : `: ${approval.message}`}${who}`;
}
