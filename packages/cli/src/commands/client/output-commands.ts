import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { formatDuration, makeFolders, UserError, UserErrorKind } from '@slipway/core';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { print, table } from './print.js';

/** Starts a new run of the same commit and params (`rerun`) or only the failed tasks (`retry`). */
export async function againCommand(
  options: ServerOptions & { id: string; onlyFailed: boolean; json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const run = await call(() =>
    options.onlyFailed ? client.retryRun(options.id) : client.rerunRun(options.id),
  );
  print(run, options.json, (r) => [
    `run ${r.id}: ${r.projectName} #${r.number} (${options.onlyFailed ? 'retrying the failed tasks of' : 'rerun of'} ${options.id}) ${r.status}`,
  ]);
  return ExitCode.Succeeded;
}

/** Test results of a run: totals per task, then the failures with their messages (`all`: every case of the first page). */
export async function testsCommand(
  options: ServerOptions & { id: string; all: boolean; json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const tests = await call(() => client.listTests(options.id));
  const shown = tests.cases.filter(
    (c) => options.all || c.status === 'failed' || c.status === 'errored',
  );
  print(tests, options.json, (t) => [
    `${t.totals.tests} tests: ${t.totals.passed} passed, ${t.totals.failed + t.totals.errored} failed, ${t.totals.skipped} skipped (${formatDuration(t.totals.durationMs)})`,
    '',
    ...table(
      ['TASK', 'TESTS', 'FAILED', 'SKIPPED'],
      t.tasks.map((task) => [
        task.taskId,
        String(task.totals.tests),
        String(task.totals.failed + task.totals.errored),
        String(task.totals.skipped),
      ]),
    ),
    ...shown.flatMap((c) => [
      '',
      `${c.status.toUpperCase()} ${c.suite} › ${c.name} [${c.taskId}]`,
      ...(c.message ? [`  ${c.message}`] : []),
    ]),
  ]);
  return ExitCode.Succeeded;
}

/** Lists a run's artifacts, or downloads them into a folder. */
export async function artifactsCommand(
  options: ServerOptions & { id: string; download: string | undefined; json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const artifacts = await call(() => client.listArtifacts(options.id));
  const into = options.download;
  if (into === undefined) {
    print(artifacts, options.json, (list) =>
      table(
        ['TASK', 'PATH', 'BYTES', 'SHA256'],
        list.map((a) => [a.taskId, a.path, String(a.size), a.sha256.slice(0, 12)]),
      ),
    );
    return ExitCode.Succeeded;
  }
  for (const artifact of artifacts) {
    const target = join(into, artifact.taskId.replace(/[^A-Za-z0-9_.=,[\]-]/g, '_'), artifact.path);
    if (!target.startsWith(join(into, '/'))) {
      throw new UserError(
        UserErrorKind.Usage,
        `refusing artifact path ${artifact.path}: it leaves ${into}`,
      );
    }
    const response = await call(() =>
      client.downloadArtifact(options.id, artifact.taskId, artifact.path),
    );
    if (!response.body) continue;
    try {
      makeFolders(dirname(target));
    } catch (error) {
      throw new UserError(
        UserErrorKind.Environment,
        `cannot write ${target} (${error instanceof Error ? error.message : String(error)}): choose a folder this user can write to`,
      );
    }
    await pipeline(Readable.fromWeb(response.body), createWriteStream(target));
    if (!options.json) process.stdout.write(`${target}\n`);
  }
  if (options.json) process.stdout.write(`${JSON.stringify(artifacts, null, 2)}\n`);
  return ExitCode.Succeeded;
}
