import { availableParallelism, homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { UserError, UserErrorKind, systemClock, type Executor } from '@slipway/core';
import {
  DockerExecutor,
  formatDockerHost,
  probeDockerHost,
  resolveDockerHost,
} from '@slipway/executors';
import { createLocalStepExecutor } from '@slipway/executors/step-runner';
import { Agent } from './agent.js';
import { AgentRequestError } from './agent-connection.js';
import { HttpAgentConnection } from './http-agent-connection.js';

/** Settings of an agent process (`slipway agent`, or the embedded agent of `slipway up`). */
export interface AgentProcessOptions {
  /** The control plane's base URL. */
  readonly server: string;
  readonly token: string;
  readonly labels: readonly string[];
  readonly capacity: number;
  /** Default: the host name. */
  readonly name?: string | undefined;
  /** Checkouts and the fetch cache; default `~/.slipway/agent`. One folder per agent process. */
  readonly workDir?: string | undefined;
  /** Default 10 s; keep it under half the server's lease. */
  readonly heartbeatMs?: number | undefined;
  /** Default 100 ms. */
  readonly logFlushMs?: number | undefined;
  /** How long running steps may go on after SIGTERM or Ctrl-C; default 60 s. */
  readonly graceMs?: number | undefined;
  /** Look for a container engine (DOCKER_HOST) for tasks with an image; default true. */
  readonly containers?: boolean | undefined;
  /** The environment of the agent; steps inherit it without `SLIPWAY_*` variables. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Where the agent says what it does; default standard error. */
  readonly log?: ((line: string) => void) | undefined;
  /** Stops the agent like SIGTERM does. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs an agent until it is told to stop, then resolves. SIGTERM, SIGINT or `signal`
 * stop claiming and give running steps `graceMs` to finish; a second SIGINT or SIGTERM
 * kills them at once. When this process was started with an IPC channel (the embedded
 * agent of `slipway up`) and its parent goes away, running steps are killed at once: the
 * control plane will retry them, and a new embedded agent may take over the work folder.
 * Rejects with a {@link UserError} when the server refuses the token or the settings are
 * wrong.
 */
export async function runAgentProcess(options: AgentProcessOptions): Promise<void> {
  const env = options.env ?? process.env;
  const say = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!Number.isInteger(options.capacity) || options.capacity < 1) {
    throw new UserError(
      UserErrorKind.Usage,
      `--capacity must be a whole number of 1 or more, not ${options.capacity}`,
    );
  }
  let connection: HttpAgentConnection;
  try {
    connection = new HttpAgentConnection({ server: options.server, token: options.token });
  } catch (error) {
    if (error instanceof AgentRequestError) throw new UserError(UserErrorKind.Usage, error.message);
    throw error;
  }
  const name = options.name ?? hostname();
  // Steps run from a small child process (the step spawner, or the Node.js step runner),
  // which kills them when this process dies, even by SIGKILL: a lost attempt is retried
  // elsewhere, and must not also go on running here. Git commands start from it too: a
  // start from the small child costs a fraction of a fork of this process.
  const processes = createLocalStepExecutor({
    maxRunners: Math.min(options.capacity, availableParallelism()),
  });
  const agent = new Agent({
    connection,
    name,
    labels: options.labels,
    capacity: options.capacity,
    workDir: options.workDir ?? join(homedir(), '.slipway', 'agent'),
    launch: (file, args, launchOptions) => processes.execFile(file, args, launchOptions),
    executors: {
      process: processes,
      container: options.containers === false ? undefined : await containerExecutor(env, say),
    },
    clock: systemClock,
    heartbeatMs: options.heartbeatMs ?? 10_000,
    logFlushMs: options.logFlushMs ?? 100,
    baseEnv: stepEnvironment(env),
    log: say,
  });
  const graceMs = options.graceMs ?? 60_000;

  let stopRequested: () => void = () => undefined;
  const stopping = new Promise<void>((resolve) => {
    stopRequested = resolve;
  });
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals === 1) {
      say(`stopping: no new work; running steps have ${Math.round(graceMs / 1000)} s to finish`);
      void agent.stop({ graceMs });
    } else {
      say('killing running steps');
      void agent.stop({ graceMs: 0 });
    }
    stopRequested();
  };
  const onDisconnect = (): void => {
    say('the parent process went away: killing running steps');
    void agent.stop({ graceMs: 0 });
    stopRequested();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  if (process.channel) process.on('disconnect', onDisconnect);
  options.signal?.addEventListener('abort', onSignal, { once: true });
  if (options.signal?.aborted) onSignal();
  try {
    try {
      await agent.start();
    } catch (error) {
      if (error instanceof AgentRequestError) {
        throw new UserError(UserErrorKind.Usage, `the agent could not register: ${error.message}`);
      }
      throw error;
    }
    if (agent.id !== undefined) {
      const labels = options.labels.length > 0 ? options.labels.join(', ') : 'none';
      say(
        `agent ${name} (${agent.id}) waiting for work from ${options.server}; labels: ${labels}; capacity ${options.capacity}`,
      );
    }
    await stopping;
    await agent.stop({ graceMs });
  } finally {
    await agent.stop({ graceMs: 0 });
    await processes.close();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('disconnect', onDisconnect);
    options.signal?.removeEventListener('abort', onSignal);
  }
}

async function containerExecutor(
  env: Readonly<Record<string, string | undefined>>,
  say: (line: string) => void,
): Promise<Executor | undefined> {
  const host = resolveDockerHost(env);
  const probe = await probeDockerHost(host);
  if (!probe.ok) {
    say(
      `no container engine at ${formatDockerHost(host)} (${probe.reason}): tasks with an image will fail on this agent`,
    );
    return undefined;
  }
  const network = env.SLIPWAY_CONTAINER_NETWORK;
  return new DockerExecutor({ host, ...(network ? { network } : {}) });
}

/** The agent's environment without its own settings (which may hold its token). */
function stepEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !name.startsWith('SLIPWAY_')) out[name] = value;
  }
  return out;
}
