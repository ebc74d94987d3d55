import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import {
  RunControls,
  UserError,
  UserErrorKind,
  runPlan,
  selectTasks,
  systemClock,
  type Executor,
  type GivenParam,
  type Plan,
  type RunSummary,
} from '@slipway/core';
import type { LocalStepExecutor } from '@slipway/executors/step-runner';
import {
  DockerExecutor,
  LocalWorkspace,
  formatDockerHost,
  probeDockerHost,
  resolveDockerHost,
} from '@slipway/executors';
import type { ExitCode } from '../exit-codes.js';
import { exitCodeForRunStatus } from '../run-exit-code.js';
import { parseSecretsFile } from '../inputs/parse-secrets-file.js';
import { choosePipeline, compileForRun, loadProject, localTrigger } from '../load-project.js';
import { colorsFor } from '../output/colors.js';
import { TerminalReporter } from '../output/terminal-reporter.js';
import { TerminalApprovals, checkApproveFlags } from './terminal-approvals.js';

/** How long a step has to stop after SIGTERM before it is killed. */
const KILL_GRACE_MS = 10_000;

export interface RunOptions {
  readonly dir: string;
  readonly pipeline: string | undefined;
  readonly params: Readonly<Record<string, GivenParam>>;
  readonly only: readonly string[];
  readonly secrets: Readonly<Record<string, string>>;
  readonly secretsFile: string | undefined;
  readonly parallelism: number;
  readonly json: boolean;
  /** Approval tasks approved beforehand, by id or name. */
  readonly approve: readonly string[];
  /** Runs the steps of tasks without an image; the command closes it when done. */
  readonly processes: LocalStepExecutor;
}

/** Runs a pipeline of the repository on this machine and returns the exit code for its outcome. */
export async function runCommand(options: RunOptions): Promise<ExitCode> {
  // Git tells the branch and commit while the secrets and pipelines are read.
  const trigger = localTrigger(options.dir);
  const secrets = { ...(await readSecretsFile(options.secretsFile)), ...options.secrets };
  const source = choosePipeline(await loadProject(options.dir), options.pipeline);
  let plan = compileForRun(source, options.params, await trigger);
  if (options.only.length) plan = selectTasks(plan, options.only);
  checkApproveFlags(plan, options.approve);
  const containers = await containerExecutorFor(plan);
  const processes = options.processes;

  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-run-'));
  const stream = options.json ? process.stderr : process.stdout;
  const reporter = new TerminalReporter({
    stream,
    colors: colorsFor(stream, process.env),
    progress: stream.isTTY,
    table: !options.json,
  });
  const controls = new RunControls();
  const stopSignals = handleInterrupts(controls, (text) => process.stderr.write(text));
  let summary: RunSummary;
  try {
    summary = await runPlan(plan, {
      runId,
      executorFor: (task): Executor => (task.image !== null && containers ? containers : processes),
      workspace: new LocalWorkspace({
        root: options.dir,
        scratch,
        artifactsDir: join(options.dir, '.slipway', 'runs', runId, 'artifacts'),
      }),
      baseEnv: inheritedEnv(),
      secrets,
      capacity: options.parallelism,
      killGraceMs: KILL_GRACE_MS,
      clock: systemClock,
      observer: reporter,
      controls,
      approvals: new TerminalApprovals({
        approved: new Set(options.approve),
        interactive: process.stdin.isTTY,
        input: process.stdin,
        output: process.stderr,
        user: localUser(),
      }),
    });
  } finally {
    stopSignals();
    reporter.flush();
    await processes.close();
    await rm(scratch, { recursive: true, force: true });
  }
  if (options.json) process.stdout.write(`${JSON.stringify(jsonSummary(summary), null, 2)}\n`);
  return exitCodeForRunStatus(summary.status);
}

/**
 * A container executor when some task has an image and an engine answers; a clear
 * error before anything runs when none does. Image tasks never fall back to the host.
 */
async function containerExecutorFor(plan: Plan): Promise<DockerExecutor | null> {
  const imageTasks = plan.tasks.filter((t) => t.image !== null);
  const [first] = imageTasks;
  if (!first) return null;
  const host = resolveDockerHost(process.env);
  const probe = await probeDockerHost(host);
  if (!probe.ok) {
    const names = imageTasks.map((t) => t.id);
    const tasks =
      names.length === 1 ? `task "${first.id}"` : `tasks ${names.map((n) => `"${n}"`).join(', ')}`;
    throw new UserError(
      UserErrorKind.Environment,
      `${tasks} ${names.length === 1 ? 'runs' : 'run'} in a container (image ${first.image ?? ''}), but no container engine answers at ${formatDockerHost(host)}: ${probe.reason}. ` +
        'Start Docker or Podman (`podman system service`) and set DOCKER_HOST, or remove `image` to run the task on this machine. Nothing was run.',
    );
  }
  const network = process.env.SLIPWAY_CONTAINER_NETWORK;
  return new DockerExecutor({ host, ...(network ? { network } : {}) });
}

/** First Ctrl-C (or SIGTERM) cancels gracefully; a second Ctrl-C kills. */
function handleInterrupts(controls: RunControls, say: (text: string) => void): () => void {
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts === 1) {
      say(
        '\ncancelling: stopping running steps, then running finally tasks (Ctrl-C again to kill)\n',
      );
      controls.cancel();
    } else {
      say('\nkilling every running step\n');
      controls.kill();
    }
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  return () => {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  };
}

async function readSecretsFile(file: string | undefined): Promise<Record<string, string>> {
  if (file === undefined) return {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(
      UserErrorKind.Usage,
      `cannot read the secrets file ${file}: check the path`,
    );
  }
  return parseSecretsFile(text, file);
}

/** The name of the user running the command, for `approved_by`. */
function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined) env[name] = value;
  return env;
}

/** The documented `--json` shape (docs/cli.md); kept apart from internal types on purpose. */
function jsonSummary(summary: RunSummary) {
  return {
    run: {
      id: summary.runId,
      pipeline: summary.pipeline,
      status: summary.status,
      durationMs: summary.durationMs,
    },
    tasks: summary.tasks.map((t) => ({
      id: t.id,
      name: t.name,
      status: t.status,
      attempts: t.attempts,
      durationMs: t.durationMs,
      results: t.results,
      reports: t.report
        ? {
            tests: t.report.tests,
            passed: t.report.passed,
            failed: t.report.failed,
            errored: t.report.errored,
            skipped: t.report.skipped,
          }
        : null,
      artifacts: t.artifacts,
      reason: t.reason,
    })),
  };
}
