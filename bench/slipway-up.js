// Helpers shared by the control-plane benchmarks (no `run`, so bench/run.js skips it):
// start `slipway up` as a user does, make a Git repository to register as a project, give
// a benchmark a PostgreSQL database of its own, read a process's resident memory.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SlipwayClient } from '@slipway/api';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The PostgreSQL server the benchmarks may use, or undefined to measure SQLite only. */
export function postgresUrl() {
  return process.env.SLIPWAY_BENCH_PG_URL || process.env.SLIPWAY_TEST_PG_URL || undefined;
}

/** Settled statuses of a run. */
export const SETTLED = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

/**
 * Starts `node packages/cli/bin/slipway.js up --port 0 --data-dir DIR …` and resolves once
 * it printed its URL and admin token and, unless `agent` is false, once its embedded agent
 * waits for work. `nodeArgs` go to Node.js before the script (`--cpu-prof`, say; the
 * embedded agent inherits them), by default those in $SLIPWAY_BENCH_NODE_ARGS. When
 * $SLIPWAY_BENCH_TRACE_GIT names a file, every git command the server and the agent run
 * appends a line to it (see {@link gitTracer}); then the process ids are told to `log`. `env` adds environment variables (`SLIPWAY_*` settings).
 * Without `database`, $SLIPWAY_BENCH_SQLITE_SYNC (`normal` or `full`) sets how the
 * SQLite store in DIR syncs its commits (the store URL's `?synchronous=`), and
 * $SLIPWAY_BENCH_AGENT_WORK_DIR names a folder (on another file system, say) where the
 * embedded agent gets a work folder of its own (`--agent-work-dir`), removed by `stop()`.
 * Returns `{ url, token, pid, agentPid, client, stop }`; `stop()` sends
 * SIGTERM and waits for the process to end.
 */
export async function startSlipway({
  root,
  dataDir,
  database,
  agent = true,
  agentCapacity,
  grace = 2,
  nodeArgs = (process.env.SLIPWAY_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  env = {},
  log,
}) {
  const cli = join(root, 'packages/cli/bin/slipway.js');
  const args = [
    ...nodeArgs,
    cli,
    'up',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--grace',
    String(grace),
  ];
  const sqliteSync = process.env.SLIPWAY_BENCH_SQLITE_SYNC;
  if (database) args.push('--database', database);
  else if (sqliteSync)
    args.push('--database', `${join(dataDir, 'slipway.db')}?synchronous=${sqliteSync}`);
  if (!agent) args.push('--no-agent');
  if (agentCapacity) args.push('--agent-capacity', String(agentCapacity));
  const agentWorkRoot = process.env.SLIPWAY_BENCH_AGENT_WORK_DIR;
  const agentWorkDir =
    agent && agentWorkRoot ? await mkdtemp(join(agentWorkRoot, 'slipway-bench-agent-')) : undefined;
  if (agentWorkDir) args.push('--agent-work-dir', agentWorkDir);
  const trace = process.env.SLIPWAY_BENCH_TRACE_GIT;
  const tracer = trace ? await gitTracer(trace) : undefined;
  const path = tracer ? `${tracer}:${process.env.PATH ?? ''}` : process.env.PATH;
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env, ...(path !== undefined ? { PATH: path } : {}) },
  });
  let stderr = '';
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const started = new Promise((resolve, reject) => {
    const seen = {};
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-20_000);
      seen.url ??= /slipway is up at (\S+)/.exec(stderr)?.[1];
      seen.token ??= /\b(slw_[\w-]+)/.exec(stderr)?.[1];
      seen.agentPid ??= /embedded agent started \(pid (\d+)/.exec(stderr)?.[1];
      const agentReady = !agent || /waiting for work from/.test(stderr);
      if (seen.url && seen.token && agentReady) resolve(seen);
    });
    void exited.then((how) =>
      reject(new Error(`slipway up ended (${how}) before it was up:\n${stderr}`)),
    );
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  let seen;
  try {
    seen = await started;
  } finally {
    clearTimeout(timeout);
  }
  if (log && (trace || nodeArgs.length)) {
    log(`  slipway up: server pid ${child.pid}, embedded agent pid ${seen.agentPid ?? 'none'}`);
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), (grace + 15) * 1000);
    await exited;
    clearTimeout(force);
    if (tracer) await rm(tracer, { recursive: true, force: true });
    if (agentWorkDir) await rm(agentWorkDir, { recursive: true, force: true });
  };
  return {
    url: seen.url,
    token: seen.token,
    pid: child.pid,
    agentPid: seen.agentPid ? Number(seen.agentPid) : undefined,
    client: new SlipwayClient({ baseUrl: seen.url, token: seen.token }),
    stop,
    /** The last lines `slipway up` (and its agent) wrote to standard error. */
    stderr: () => stderr,
  };
}

/**
 * Makes a folder with a `git` that runs the real one and appends `START END PPID ARGS…` to
 * `logFile` (times in seconds since the epoch, from bash's `$EPOCHREALTIME`; PPID is the
 * process that ran git). Put first on PATH; returns the folder. The wrapper's own start
 * adds a millisecond or two to each call.
 */
export async function gitTracer(logFile) {
  const { stdout } = await run('bash', ['-c', 'command -v git']);
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-git-'));
  const script = [
    '#!/bin/bash',
    'start=$EPOCHREALTIME',
    `${stdout.trim()} "$@"`,
    'code=$?',
    `echo "$start $EPOCHREALTIME $PPID $*" >> ${JSON.stringify(logFile)}`,
    'exit $code',
    '',
  ].join('\n');
  await writeFile(join(dir, 'git'), script, { mode: 0o755 });
  return dir;
}

/**
 * Makes a Git repository in `dir` with `files` (path → text) in one commit on `main`.
 * Returns `{ before, after, commit() }`: `commit()` adds an empty commit on `main`, after
 * which `after` is its id and `before` the one it followed.
 */
export async function makeRepository(dir, files) {
  await mkdir(dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const git = async (...args) =>
    (
      await run('git', [
        '-C',
        dir,
        '-c',
        'user.name=bench',
        '-c',
        'user.email=bench@localhost',
        ...args,
      ])
    ).stdout.trim();
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '--all');
  await git('commit', '--quiet', '--message', 'bench');
  const repository = {
    before: '',
    after: await git('rev-parse', 'HEAD'),
    async commit() {
      await git('commit', '--quiet', '--allow-empty', '--message', 'bench push');
      repository.before = repository.after;
      repository.after = await git('rev-parse', 'HEAD');
    },
  };
  return repository;
}

/**
 * A database of its own on the PostgreSQL server at `url` for one benchmark, so it starts
 * empty and disturbs nobody: `{ url, drop }`.
 */
export async function createPostgresDatabase(url) {
  const { Client } = require('pg');
  const name = `slipway_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (statement) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}

/** Resident memory of a process in MB (VmRSS of /proc/PID/status). */
export async function residentMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Bytes a process has passed to write calls so far (`wchar` of /proc/PID/io). */
export async function writtenBytes(pid) {
  const io = await readFile(`/proc/${pid}/io`, 'utf8');
  return Number(/^wchar:\s+(\d+)/m.exec(io)?.[1]);
}

/**
 * Polls the project's newest run until `runId` has settled; resolves with the run. The
 * benchmarks wait for the run they created last, so the list asked for is one run long:
 * listing runs costs the server work in proportion to their size.
 */
export async function waitForRun(
  client,
  project,
  runId,
  { pollMs = 50, timeoutMs = 600_000 } = {},
) {
  const deadline = Date.now() + timeoutMs;
  let limit = 1;
  for (;;) {
    const { runs } = await client.listRuns({ project, limit });
    const found = runs.find((r) => r.id === runId);
    if (found && SETTLED.has(found.status)) return found;
    if (!found) limit = 100;
    if (Date.now() > deadline)
      throw new Error(`run ${runId} did not settle within ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
