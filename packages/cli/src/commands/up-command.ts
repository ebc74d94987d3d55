import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeWorkFolder } from '@slipway/agent';
import { makeFolders, UserError, UserErrorKind } from '@slipway/core';
import { loadServerConfig, startServer } from '@slipway/server';
import { ExitCode } from '../exit-codes.js';
import { DEFAULT_SERVER } from './client/connect.js';

export interface UpOptions {
  /** Server settings given as flags, keyed like the server's config schema. */
  readonly flags: Readonly<Record<string, unknown>>;
  /** Start the embedded agent (default true). */
  readonly agent: boolean;
  readonly agentCapacity: number;
  readonly agentLabels: readonly string[];
  /** The embedded agent's work folder; by default `agent` in the data folder. */
  readonly agentWorkDir?: string;
  /** How long running steps may finish after SIGTERM before they are killed. */
  readonly graceMs: number;
  /** Register and run the sample project `examples/node-service` once up. */
  readonly demo: boolean;
}

const CLI_ENTRY = fileURLToPath(new URL('../../bin/slipway.js', import.meta.url));

/**
 * Starts the control plane and, unless told otherwise, the embedded agent: a separate,
 * small child process speaking the agent protocol over loopback, so the server never
 * forks steps itself. SIGTERM or Ctrl-C stops claiming, gives running steps the grace
 * period, then closes the server; what did not finish is recovered on the next start.
 * With `demo`, it then registers and triggers the sample project (see `startDemo`).
 */
export async function upCommand(options: UpOptions): Promise<ExitCode> {
  const config = await loadServerConfig({ flags: options.flags, env: process.env });
  makeDataFolder(config.dataDir);
  const agentWorkDir = resolve(options.agentWorkDir ?? join(config.dataDir, 'agent'));
  if (options.agent) makeWorkFolder(agentWorkDir);
  const agentToken = randomBytes(32).toString('hex');
  const demoToken = randomBytes(32).toString('hex');
  const server = await startServer(config, {
    extraTokens: [agentToken],
    ...(options.demo ? { localAdminTokens: [demoToken] } : {}),
  });
  const say = (text: string) => process.stderr.write(`${text}\n`);
  say(`slipway is up at ${server.url} (data in ${config.dataDir}; ${server.database})`);
  if (server.adminToken) {
    say(`admin token, shown only this once — keep it:\n  ${server.adminToken}`);
    say(`use it with:  export SLIPWAY_SERVER=${server.url} SLIPWAY_TOKEN=${server.adminToken}`);
  }

  const agent = options.agent
    ? startEmbeddedAgent(server.url, agentToken, agentWorkDir, config.leaseMs / 3, options)
    : null;
  if (agent)
    say(`embedded agent started (pid ${String(agent.pid)}, capacity ${options.agentCapacity})`);

  let stopping = false;
  let stopped: Promise<void> | null = null;
  const shutdown = (): Promise<void> =>
    (stopped ??= (async () => {
      stopping = true;
      if (agent?.exitCode === null) {
        const exited = new Promise((done) => agent.once('exit', done));
        agent.kill('SIGTERM');
        const timer = setTimeout(() => agent.kill('SIGKILL'), options.graceMs + 5_000);
        await exited;
        clearTimeout(timer);
      }
      await server.close();
    })());
  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });
  const stop = () => {
    if (stopping) {
      agent?.kill('SIGKILL');
      return;
    }
    say('stopping: no new work is claimed; running steps get the grace period (again to force)');
    stopping = true;
    requestStop();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  agent?.on('exit', (code, signal) => {
    if (!stopping)
      say(
        `the embedded agent stopped (${signal ?? `exit ${String(code)}`}); steps wait for another agent`,
      );
  });

  if (options.demo) {
    try {
      const { startDemo } = await import('./up-demo.js');
      const demo = await startDemo({ url: server.url, token: demoToken, dataDir: config.dataDir });
      const serverFlag = server.url === DEFAULT_SERVER ? '' : ` --server ${server.url}`;
      say(
        `demo: project node-service ${demo.registered ? 'registered' : 'exists'}; it builds ` +
          (demo.project.source === demo.repository
            ? `${demo.repository}, a Git copy of examples/node-service`
            : `${demo.project.source} (not the copy of examples/node-service in ${demo.repository})`),
      );
      say(
        `demo: run ${demo.run.id} started; follow it in another terminal (${
          server.adminToken ? 'after the export above' : 'SLIPWAY_TOKEN set to your admin token'
        }) with:`,
      );
      say(`  npx slipway logs -f ${demo.run.id}${serverFlag}`);
      say(`Open ${server.url}/runs/${demo.run.id}`);
    } catch (error) {
      await shutdown();
      throw error;
    }
  }

  await stopRequested;
  await shutdown();
  return ExitCode.Succeeded;
}

function makeDataFolder(dataDir: string): void {
  try {
    makeFolders(dataDir);
  } catch (error) {
    throw new UserError(
      UserErrorKind.Environment,
      `cannot use ${dataDir} as the data folder (${error instanceof Error ? error.message : String(error)}): choose a folder this user can write to (--data-dir)`,
    );
  }
}

function startEmbeddedAgent(
  url: string,
  token: string,
  workDir: string,
  heartbeatMs: number,
  options: UpOptions,
): ChildProcess {
  const args = [
    'agent',
    '--server',
    url,
    '--capacity',
    String(options.agentCapacity),
    '--work-dir',
    workDir,
    '--name',
    'embedded',
    '--grace',
    String(options.graceMs / 1000),
    // A third of the lease, so that one or two failed renewals do not lose an attempt.
    '--heartbeat',
    String(heartbeatMs / 1000),
  ];
  if (options.agentLabels.length) args.push('--labels', options.agentLabels.join(','));
  return fork(CLI_ENTRY, args, {
    env: { ...process.env, SLIPWAY_AGENT_TOKEN: token },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
