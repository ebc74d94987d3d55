import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, formatDiagnostic, isUserError } from '@slipway/core';
import { planCommand } from './commands/plan-command.js';
import { runCommand } from './commands/run-command.js';
import { validateCommand } from './commands/validate-command.js';
import { ExitCode, exitCodeForUserError } from './exit-codes.js';
import { parseAssignments } from './inputs/parse-assignments.js';
import { colorsFor } from './output/colors.js';
import { PlanFormat } from './output/format-plan.js';

const collect = (value: string, previous: string[]) => [...previous, value];

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

const program = new Command('slipway')
  .description('Build, test and deliver services with pipelines kept as code.')
  .option('-C, --dir <path>', 'repository to work in', '.')
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({
    outputError: (text, write) => {
      write(text);
    },
  })
  .exitOverride();

program
  .command('run')
  .description('run a pipeline of the repository on this machine')
  .option('-p, --pipeline <name>', 'pipeline to run (needed when there are several)')
  .option('--param <name=value>', 'set a parameter (repeatable)', collect, [])
  .option('--only <task>', 'run only this task and the tasks it needs (repeatable)', collect, [])
  .option(
    '--secret <NAME=value>',
    'a secret: set as env var NAME, masked in all output (repeatable)',
    collect,
    [],
  )
  .option('--secrets-file <file>', 'read secrets from a NAME=value file')
  .option(
    '-j, --parallelism <n>',
    'most tasks running at once',
    positiveInteger,
    availableParallelism(),
  )
  .option('--json', 'print a machine-readable summary on stdout; task output goes to stderr')
  .action(
    async (options: {
      pipeline?: string;
      param: string[];
      only: string[];
      secret: string[];
      secretsFile?: string;
      parallelism: number;
      json?: boolean;
    }) => {
      process.exitCode = await runCommand({
        dir: repositoryDir(),
        pipeline: options.pipeline,
        params: parseAssignments(options.param, '--param'),
        only: options.only,
        secrets: parseAssignments(options.secret, '--secret'),
        secretsFile: options.secretsFile,
        parallelism: options.parallelism,
        json: options.json === true,
      });
    },
  );

program
  .command('validate')
  .description('check every pipeline file of the repository')
  .option('--json', 'print the result as JSON')
  .action(async (options: { json?: boolean }) => {
    process.exitCode = await validateCommand(
      { dir: repositoryDir(), json: options.json === true },
      colorsFor(process.stderr, process.env),
    );
  });

program
  .command('plan')
  .description('print the compiled plan of a pipeline: tasks, order, and what was inferred')
  .option('-p, --pipeline <name>', 'pipeline to show (needed when there are several)')
  .option('--param <name=value>', 'set a parameter (repeatable)', collect, [])
  .option('--only <task>', 'show only this task and the tasks it needs (repeatable)', collect, [])
  .addOption(
    new Option('--format <format>', 'output format')
      .choices(Object.values(PlanFormat))
      .default(PlanFormat.Text),
  )
  .action(
    async (options: { pipeline?: string; param: string[]; only: string[]; format: PlanFormat }) => {
      process.exitCode = await planCommand({
        dir: repositoryDir(),
        pipeline: options.pipeline,
        params: parseAssignments(options.param, '--param'),
        only: options.only,
        format: options.format,
      });
    },
  );

function repositoryDir(): string {
  return resolve(program.opts<{ dir: string }>().dir);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

/** Prints an error the way its kind deserves and returns the exit code. */
function reportError(error: unknown): ExitCode {
  const colors = colorsFor(process.stderr, process.env);
  if (error instanceof ConfigError) {
    for (const d of error.diagnostics)
      process.stderr.write(`${colors.red('error')} ${formatDiagnostic(d)}\n`);
    return ExitCode.ConfigOrUsage;
  }
  if (isUserError(error)) {
    process.stderr.write(`${colors.red('error')} ${error.message}\n`);
    return exitCodeForUserError(error.kind);
  }
  if (isCommanderExit(error)) {
    return error.exitCode === 0 ? ExitCode.Succeeded : ExitCode.ConfigOrUsage;
  }
  process.stderr.write(
    `${colors.red('internal error')} — this is a bug in Slipway; please report it with the output below.\n` +
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ExitCode.Internal;
}

function isCommanderExit(error: unknown): error is { exitCode: number; code: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    String(error.code).startsWith('commander.')
  );
}
