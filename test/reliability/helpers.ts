import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { SlipwayClient, type RunDetail, type TriggerEventList } from '@slipway/api';
import { afterEach, describe, it } from 'vitest';
import {
  CLI,
  REPO_ROOT,
  gitInit,
  isAlive,
  runCli,
  waitFor,
  type CliResult,
} from '../e2e/helpers.js';

/** Lease of the servers these tests start, short so that lost attempts show quickly. */
export const SHORT_LEASE_MS = 3_000;

/** Run statuses after which nothing changes. */
export const FINISHED_RUN = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);
/** Task statuses after which nothing changes. */
export const SETTLED_TASK = new Set(['succeeded', 'failed', 'skipped', 'cancelled', 'lost']);

/** A long-lived `slipway` process (`up` or `agent`) these tests started. */
export interface SlipwayProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM, then waits for the exit (at most `timeoutMs`, then SIGKILL and fail). */
  terminate(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A running `slipway up`. */
export interface UpProcess extends SlipwayProcess {
  readonly url: string;
  readonly port: number;
  /** The embedded agent's pid; null with `--no-agent`. */
  readonly agentPid: number | null;
}

/** A running `slipway agent`. */
export interface AgentProcess extends SlipwayProcess {
  readonly agentId: string;
}

/**
 * Tracks everything a test file starts, and kills it after each test, failed or not:
 * `slipway` processes, embedded agents, and the process groups of steps (whose pids
 * the steps record, since a killed agent cannot stop them). Temp folders go too.
 */
export function useCleanup() {
  const killers: (() => Promise<void>)[] = [];
  const stepPidFiles = new Set<string>();
  const folders = new Set<string>();
  const finalizers: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const kill of killers.splice(0)) await kill();
    for (const file of stepPidFiles) await killStepGroups(file);
    stepPidFiles.clear();
    for (const finalize of finalizers.splice(0).reverse()) await finalize();
    await Promise.all([...folders].map((dir) => rm(dir, { recursive: true, force: true })));
    folders.clear();
  }, 60_000);

  return {
    /** Kills `child` after the test if it still runs. */
    trackChild(child: ChildProcess): void {
      killers.push(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        return Promise.resolve();
      });
    },
    /** Kills the process `pid` (not a child of this one) after the test if it still runs. */
    trackPid(pid: number): void {
      killers.push(async () => {
        if (await isAlive(pid)) process.kill(pid, 'SIGKILL');
      });
    },
    /** A file of lines whose last field is the pid of a step, which leads its process group. */
    trackStepPids(file: string): void {
      stepPidFiles.add(file);
    },
    async tempDir(prefix = 'slipway-rel-'): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      folders.add(dir);
      return dir;
    },
    /** Runs after the processes are killed, last registered first. */
    onCleanup(finalize: () => Promise<void>): void {
      finalizers.push(finalize);
    },
  };
}

export type Cleanup = ReturnType<typeof useCleanup>;

/** Kills the process groups of the steps whose pids end the lines of `file`, if they still run. */
export async function killStepGroups(file: string): Promise<void> {
  for (const pid of await stepPids(file)) {
    if (!(await isGroupAlive(pid))) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Pids recorded as the last field of each line of a marker file. */
export async function stepPids(file: string): Promise<number[]> {
  return (await readLines(file))
    .map((line) => Number(line.split(' ').at(-1)))
    .filter((n) => Number.isInteger(n) && n > 1);
}

/**
 * True while a process of the group `pgid` runs (zombies do not count): a step's
 * process group, whose leader is the step's shell.
 */
export async function isGroupAlive(pgid: number): Promise<boolean> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/** Waits until no process of the group `pgid` runs; false if one still does after `timeoutMs`. */
export async function groupEndsWithin(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isGroupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Lines of a file; none when it does not exist. */
export async function readLines(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

function startSlipway(
  cleanup: Cleanup,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SlipwayProcess {
  const given: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined && name !== 'FORCE_COLOR') merged[name] = value;
  }
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start slipway ${args.join(' ')}`);
  const pid = child.pid;
  cleanup.trackChild(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return {
    pid,
    child,
    output: () => output,
    exited,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async terminate(timeoutMs = 30_000) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const end = await exited;
      clearTimeout(timer);
      if (end.signal === 'SIGKILL') {
        throw new Error(`slipway ${args[0] ?? ''} did not stop on SIGTERM within ${timeoutMs} ms`);
      }
      return end;
    },
  };
}

async function waitForOutput(
  proc: SlipwayProcess,
  pattern: RegExp,
  what: string,
  timeoutMs = 60_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  const state = { exited: false };
  void proc.exited.then(() => (state.exited = true));
  for (;;) {
    const match = pattern.exec(proc.output());
    if (match) return match;
    if (state.exited || Date.now() > deadline) {
      throw new Error(
        `${state.exited ? 'exited' : 'timed out'} before ${what}; output:\n${proc.output()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How to start `slipway up`. */
export interface UpOptions {
  readonly dataDir: string;
  /** A PostgreSQL URL; SQLite in the data folder otherwise. */
  readonly database?: string | undefined;
  /** Default: a free one. */
  readonly port?: number;
  /** Start the embedded agent (default true). */
  readonly agent?: boolean;
  readonly agentCapacity?: number;
  /** `--agent-work-dir`; by default the agent works in the data folder. */
  readonly agentWorkDir?: string;
  readonly graceSeconds?: number;
  /** Register and run the sample project (`--demo`). */
  readonly demo?: boolean;
  /** Extra environment, such as `SLIPWAY_LEASE_MS`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Starts `slipway up` and waits until it listens (and its embedded agent waits for work). */
export async function startUp(cleanup: Cleanup, options: UpOptions): Promise<UpProcess> {
  const port = options.port ?? (await freePort());
  const args = ['up', '--port', String(port), '--data-dir', options.dataDir];
  if (options.database) args.push('--database', options.database);
  if (options.agent === false) args.push('--no-agent');
  if (options.agentCapacity !== undefined) {
    args.push('--agent-capacity', String(options.agentCapacity));
  }
  if (options.agentWorkDir !== undefined) args.push('--agent-work-dir', options.agentWorkDir);
  if (options.graceSeconds !== undefined) args.push('--grace', String(options.graceSeconds));
  if (options.demo === true) args.push('--demo');
  const proc = startSlipway(cleanup, args, { SLIPWAY_LOG_LEVEL: 'warn', ...options.env });
  const up = await waitForOutput(proc, /slipway is up at (\S+)/, 'the server was up');
  let agentPid: number | null = null;
  if (options.agent !== false) {
    const started = await waitForOutput(
      proc,
      /embedded agent started \(pid (\d+)/,
      'the embedded agent started',
    );
    agentPid = Number(started[1]);
    cleanup.trackPid(agentPid);
    await waitForOutput(proc, /agent embedded \(\S+\) waiting for work/, 'the agent registered');
  }
  return { ...proc, url: up[1] ?? '', port, agentPid };
}

const ADMIN_TOKEN = /admin token, shown only this once[^\n]*\n\s*(\S+)\n/;

/**
 * The admin token one of these servers printed on its first start (a store gets one
 * admin token, made by whichever server opened it first); waits for it to be printed.
 */
export async function adminTokenOf(...servers: readonly UpProcess[]): Promise<string> {
  let token: string | undefined;
  await waitFor(
    'a server to print the admin token',
    () => {
      token = servers.map((s) => ADMIN_TOKEN.exec(s.output())?.[1]).find(Boolean);
      return token !== undefined;
    },
    30_000,
  );
  return token ?? '';
}

/** How to start `slipway agent`. */
export interface AgentOptions {
  readonly server: string;
  readonly token: string;
  readonly workDir: string;
  readonly capacity?: number;
  readonly name?: string;
  readonly heartbeatSeconds?: number;
  readonly graceSeconds?: number;
  /** Extra environment; steps see it too. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Starts `slipway agent` and waits until it has registered. */
export async function startAgent(cleanup: Cleanup, options: AgentOptions): Promise<AgentProcess> {
  const name = options.name ?? 'remote';
  const args = [
    'agent',
    '--server',
    options.server,
    '--token',
    options.token,
    '--work-dir',
    options.workDir,
    '--name',
    name,
    '--capacity',
    String(options.capacity ?? 2),
  ];
  if (options.heartbeatSeconds !== undefined) {
    args.push('--heartbeat', String(options.heartbeatSeconds));
  }
  if (options.graceSeconds !== undefined) args.push('--grace', String(options.graceSeconds));
  const proc = startSlipway(cleanup, args, options.env ?? {});
  const registered = await waitForOutput(
    proc,
    new RegExp(`agent ${name} \\((\\S+)\\) waiting for work`),
    'the agent registered',
  );
  return { ...proc, agentId: registered[1] ?? '' };
}

/** Where the client commands send their requests. */
export interface ServerAccess {
  readonly url: string;
  readonly token: string;
}

/** Runs a client command of the built CLI against a server. */
export function slipway(
  server: ServerAccess,
  args: readonly string[],
  timeoutMs = 120_000,
): Promise<CliResult> {
  return runCli(args, {
    env: { SLIPWAY_SERVER: server.url, SLIPWAY_TOKEN: server.token },
    timeoutMs,
  });
}

/** Runs a client command with `--json`, fails on a non-zero exit, and parses its output. */
export async function slipwayJson<T>(server: ServerAccess, args: readonly string[]): Promise<T> {
  const result = await slipway(server, [...args, '--json']);
  if (result.code !== 0) {
    throw new Error(
      `slipway ${args.join(' ')} exited ${String(result.code)}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return JSON.parse(result.stdout) as T;
}

/** A typed API client for polling without starting a process per look. */
export function apiClient(server: ServerAccess): SlipwayClient {
  return new SlipwayClient({ baseUrl: server.url, token: server.token });
}

/** Waits until every run is finished, polling the API; returns their details in the same order. */
export async function waitForRuns(
  client: SlipwayClient,
  runIds: readonly string[],
  timeoutMs: number,
): Promise<RunDetail[]> {
  const details = new Map<string, RunDetail>();
  await waitFor(
    `${runIds.length} runs to finish`,
    async () => {
      for (const id of runIds) {
        if (details.has(id)) continue;
        const detail = await client.getRun(id);
        if (!FINISHED_RUN.has(detail.run.status)) return false;
        details.set(id, detail);
      }
      return true;
    },
    timeoutMs,
  ).catch(async (error: unknown) => {
    const stuck = runIds.filter((id) => !details.has(id));
    const shown = await Promise.all(
      stuck.slice(0, 3).map(async (id) => describeRun(await client.getRun(id))),
    );
    throw new Error(
      `${(error as Error).message}; not finished: ${stuck.length}\n${shown.join('\n')}`,
    );
  });
  return [...details.values()];
}

/** One line per task: id, status, attempt and reason. */
export function describeRun(detail: RunDetail): string {
  const tasks = detail.tasks.map(
    (t) => `  ${t.taskId}: ${t.status} (attempt ${t.attempt})${t.reason ? ` ${t.reason}` : ''}`,
  );
  return [`run ${detail.run.id}: ${detail.run.status}`, ...tasks].join('\n');
}

/** Waits until a process has exited (or is a zombie); false when it still runs after `timeoutMs`. */
export async function exitsWithin(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

const PG_REASON =
  'SLIPWAY_TEST_PG_URL is not set (for example postgres://postgres@127.0.0.1:5432/test)';

/** The PostgreSQL server to test against, from `SLIPWAY_TEST_PG_URL`; empty when unset. */
export const PG_URL = process.env.SLIPWAY_TEST_PG_URL ?? '';

/**
 * Declares `body` as a describe block needing PostgreSQL. Without `SLIPWAY_TEST_PG_URL`
 * it is skipped with the reason printed, except under `CI=true`, where that fails.
 */
export function describeWithPostgres(name: string, body: () => void): void {
  if (PG_URL !== '') {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has a PostgreSQL server to test against, as CI demands', () => {
        throw new Error(`${name} cannot run: ${PG_REASON}`);
      });
    });
    return;
  }
  console.warn(`Skipping "${name}": ${PG_REASON}`);
  describe.skip(`${name}, skipped: ${PG_REASON}`, body);
}

/**
 * Creates an empty database `slipway_rel_<random>` on the PostgreSQL server of
 * `SLIPWAY_TEST_PG_URL` and returns its URL; it is dropped after the test.
 */
export async function freshPostgresDatabase(cleanup: Cleanup): Promise<string> {
  const name = `slipway_rel_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  cleanup.onCleanup(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  });
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A store the server may use, for tests that run on each. */
export interface StoreUnderTest {
  readonly name: 'SQLite' | 'PostgreSQL';
  /** The `--database` URL for a test: a fresh PostgreSQL database, or none for SQLite. */
  database(cleanup: Cleanup): Promise<string | undefined>;
  /** The URL the store package opens for a server with this data folder and database. */
  storeUrl(dataDir: string, database: string | undefined): string;
}

const SQLITE: StoreUnderTest = {
  name: 'SQLite',
  database: () => Promise.resolve(undefined),
  storeUrl: (dataDir) => `sqlite:${join(dataDir, 'slipway.db')}`,
};

const POSTGRES: StoreUnderTest = {
  name: 'PostgreSQL',
  database: freshPostgresDatabase,
  storeUrl: (_dataDir, database) => database ?? '',
};

/** Declares `body` once on SQLite and once on PostgreSQL (see {@link describeWithPostgres}). */
export function describeOnEachStore(name: string, body: (store: StoreUnderTest) => void): void {
  describe(`${name} (SQLite)`, () => {
    body(SQLITE);
  });
  describeWithPostgres(`${name} (PostgreSQL)`, () => {
    body(POSTGRES);
  });
}

/** A user's repository: `pipeline` as `.slipway.yml`, committed on `main`. */
export async function userRepository(
  cleanup: Cleanup,
  pipeline: string,
): Promise<{ readonly dir: string; readonly commit: string }> {
  const dir = await cleanup.tempDir('slipway-rel-repo-');
  await writeFile(join(dir, '.slipway.yml'), pipeline);
  await gitInit(dir);
  const commit = (await promisify(execFile)('git', ['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim();
  return { dir, commit };
}

/**
 * Starts `slipway up` on a fresh data folder and the store under test, with `env`, and
 * adds the repository `repo` as project `shop` with the CLI.
 */
export async function upWithShop(
  cleanup: Cleanup,
  store: StoreUnderTest,
  repo: string,
  env?: UpOptions['env'],
): Promise<{ readonly up: UpProcess; readonly access: ServerAccess }> {
  const dataDir = join(await cleanup.tempDir(), 'data');
  await mkdir(dataDir);
  const up = await startUp(cleanup, {
    dataDir,
    database: await store.database(cleanup),
    ...(env ? { env } : {}),
  });
  const access = { url: up.url, token: await adminTokenOf(up) };
  const added = await slipway(access, ['project', 'add', 'shop', repo]);
  if (added.code !== 0) throw new Error(`slipway project add failed: ${added.stderr}`);
  return { up, access };
}

/**
 * Lists a project's trigger events with `slipway events` every 200 ms until the newest is
 * processed, `tries` times at most; returns the last list.
 */
export async function untilNewestEventProcessed(
  access: ServerAccess,
  project: string,
  tries: number,
): Promise<TriggerEventList> {
  let events: TriggerEventList = { events: [], nextBefore: null };
  for (let left = tries; left > 0; left--) {
    events = await slipwayJson<TriggerEventList>(access, ['events', project]);
    if (events.events[0]?.status === 'processed') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return events;
}
