import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach } from 'vitest';

const execFileAsync = promisify(execFile);

/** Root of the Slipway checkout. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The command as users run it; `npm run build` makes what it loads. */
export const CLI = join(REPO_ROOT, 'packages/cli/bin/slipway.js');
export const EXAMPLES = join(REPO_ROOT, 'examples');

/** How one `slipway` invocation ended. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  /** Added to (or, when undefined, removed from) the environment of the command. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Kill the command and fail after this long. Default 60 s. */
  readonly timeoutMs?: number;
  /** Written to the command's standard input, which is then closed; none by default. */
  readonly input?: string;
}

/** A `slipway` process that is still running. */
export interface RunningCli {
  readonly pid: number;
  readonly result: Promise<CliResult>;
  /** Output so far, stdout then stderr. */
  output(): string;
  signal(signal: NodeJS.Signals): void;
}

/** Starts the built `slipway` command with colours off, as a user's script would. */
export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const given: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    ...options.env,
  };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined && name !== 'FORCE_COLOR') env[name] = value;
  }
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const result = new Promise<CliResult>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`slipway ${args.join(' ')} took over ${timeoutMs} ms\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${CLI}`);
  return {
    pid: child.pid,
    result,
    output: () => stdout + stderr,
    signal: (signal) => child.kill(signal),
  };
}

/** Runs the built `slipway` command to its end. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

/** The `--json` summary of `slipway run`. */
export interface RunSummary {
  readonly run: {
    readonly id: string;
    readonly pipeline: string;
    readonly status: 'succeeded' | 'failed' | 'cancelled' | 'timed_out';
    readonly durationMs: number;
  };
  readonly tasks: readonly TaskSummary[];
}

export interface TaskSummary {
  readonly id: string;
  readonly name: string;
  readonly status: 'succeeded' | 'failed' | 'skipped' | 'cancelled';
  readonly attempts: number;
  readonly durationMs: number;
  readonly results: Readonly<Record<string, string>>;
  readonly reports: ReportTotals | null;
  readonly artifacts: readonly { readonly path: string; readonly size: number }[];
  readonly reason: string | null;
}

export interface ReportTotals {
  readonly tests: number;
  readonly passed: number;
  readonly failed: number;
  readonly errored: number;
  readonly skipped: number;
}

/** Parses the summary `slipway run --json` prints; fails with the output when it is not JSON. */
export function parseSummary(result: CliResult): RunSummary {
  try {
    return JSON.parse(result.stdout) as RunSummary;
  } catch {
    throw new Error(
      `expected a JSON summary on stdout (exit ${String(result.code)})\n` +
        `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

/** Task id → status, for comparing a whole run at once. */
export function statusesOf(summary: RunSummary): Record<string, string> {
  return Object.fromEntries(summary.tasks.map((t) => [t.id, t.status]));
}

export function taskOf(summary: RunSummary, id: string): TaskSummary {
  const task = summary.tasks.find((t) => t.id === id);
  if (!task)
    throw new Error(`no task ${id} in the summary: ${summary.tasks.map((t) => t.id).join(', ')}`);
  return task;
}

/**
 * The `file:line:column: key: message` diagnostics in some output. A label such as
 * `error` may lead the line; the location is what editors and terminals link.
 */
export function diagnosticLines(output: string): string[] {
  return output.split('\n').flatMap((line) => {
    const match = /(?:^|\s)(\S+:\d+:\d+: .*)$/.exec(line);
    return match?.[1] === undefined ? [] : [match[1]];
  });
}

/** Lines of a stack trace, which bad input must never produce. */
export const STACK_TRACE_LINE = /^ {4}at /m;

/**
 * Temporary repositories for one test file; every folder made is removed after each test.
 * Call once at the top level of a test file.
 */
export function useTempRepos() {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function create(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-e2e-'));
    made.push(dir);
    return dir;
  }

  return {
    create,
    /** A fresh copy of `examples/NAME`, made a git repository on `main` when asked. */
    async copyExample(name: string, options: { git?: boolean } = {}): Promise<string> {
      const dir = await create();
      const from = join(EXAMPLES, name);
      await cp(from, dir, {
        recursive: true,
        filter: (path) => !isGenerated(relative(from, path)),
      });
      if (options.git) await gitInit(dir);
      return dir;
    },
    /** A repository made of the given files (path → content). */
    async withFiles(files: Readonly<Record<string, string>>): Promise<string> {
      const dir = await create();
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      return dir;
    },
  };
}

/** Files an example produces when it runs (see examples/.gitignore); copies leave them out. */
function isGenerated(path: string): boolean {
  const parts = path.split(sep);
  return (
    ['reports', 'dist', 'build'].includes(parts[0] ?? '') ||
    path.startsWith(join('.slipway', 'runs')) ||
    path.endsWith('.marker')
  );
}

/** Makes `dir` a git repository on branch `main` with everything in one commit. */
export async function gitInit(dir: string): Promise<void> {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Slipway Tests',
    GIT_AUTHOR_EMAIL: 'tests@slipway.invalid',
    GIT_COMMITTER_NAME: 'Slipway Tests',
    GIT_COMMITTER_EMAIL: 'tests@slipway.invalid',
  };
  const git = (...args: string[]) => execFileAsync('git', args, { cwd: dir, env });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'Initial commit');
}

/** Replaces `search` in a file, failing when it is not there (so an edit never silently misses). */
export async function editFile(
  path: string,
  search: string | RegExp,
  replacement: string,
): Promise<void> {
  const text = await readFile(path, 'utf8');
  const edited = text.replace(search, replacement);
  if (edited === text) throw new Error(`${String(search)} not found in ${path}`);
  await writeFile(path, edited);
}

/** Waits until `check` returns true, polling; fails after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * True while a process exists and has not exited. A killed process whose parent died
 * stays a zombie until the machine's init reaps it, and some init processes never do;
 * a zombie runs nothing, so it counts as gone.
 */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
