import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  UserError,
  type Executor,
  type StepControls,
  type StepOutcome,
  type StepOutput,
  type StepRequest,
} from '@slipway/core/ports';
import {
  DEFAULT_EXEC_MAX_BUFFER,
  ExecError,
  refuseNulBytes,
  type ExecOptions,
  type ExecResult,
} from './exec-command.js';
import { signalGroup } from './signal-group.js';
import type { ExecDoneMessage, ParentMessage, RunnerMessage } from './step-runner-protocol.js';

export { ExecError, type ExecOptions, type ExecResult } from './exec-command.js';

/** How long {@link StepRunnerExecutor.close} waits for the runner to exit before killing it. */
const CLOSE_GRACE_MS = 5000;

/*
 * Forking copies the page tables of the runner's written memory, and each page it writes
 * afterwards faults once more, so the runner keeps little memory: a 1 MB young
 * generation, no optimizing compiler, whose background compiles of the runner's little
 * code cost more than they save, and no V8 worker threads (the little garbage it makes is
 * collected on its one thread), which leaves fewer mappings and threads to copy per fork.
 */
const RUNNER_FLAGS = [
  '--max-old-space-size=64',
  '--max-semi-space-size=1',
  '--no-turbofan',
  '--v8-pool-size=0',
];

/** Options of a {@link StepRunnerExecutor}. */
export interface StepRunnerExecutorOptions {
  /** The runner's entry module; by default the built `step-runner-main.js` beside this one. */
  readonly runnerModule?: URL;
  /** Node.js flags of the runner; by default a small heap without the optimizing compiler. */
  readonly execArgv?: readonly string[];
  /**
   * The most runners to keep, 1 by default. A runner forks its steps one after another,
   * and a fork blocks it for about a millisecond, so with many short steps in parallel one
   * runner per core keeps every core forking.
   */
  readonly maxRunners?: number;
}

interface PendingStep {
  readonly request: StepRequest;
  readonly output: StepOutput;
  readonly resolve: (outcome: StepOutcome) => void;
  readonly reject: (error: Error) => void;
  readonly detach: () => void;
  /** The step's process (and process group) id, once the runner reported it. */
  pid: number | undefined;
}

interface PendingExec {
  readonly resolve: (result: ExecDoneMessage) => void;
  readonly reject: (error: Error) => void;
  readonly detach: () => void;
}

interface Runner {
  readonly child: ChildProcess;
  readonly steps: Map<number, PendingStep>;
  readonly execs: Map<number, PendingExec>;
  /** Resolves once the runner has ended and its pending steps were settled. */
  readonly ended: Promise<void>;
  closing: boolean;
}

/**
 * Runs steps exactly as {@link ProcessExecutor} does, but from a small, long-lived child
 * process (the step runner) instead of this one: forking is slow from a process with a
 * large heap, and a misbehaving step cannot take this process down with it.
 *
 * The runner starts with the first step and serves every later step, concurrently. With
 * `maxRunners` above 1, a step that arrives while every runner has a step in flight starts
 * one more runner, up to that many; each step goes to the runner with the fewest steps in
 * flight. A runner keeps this process alive only while steps run, and exits by itself when this process
 * goes away. It runs in its own process group, so a Ctrl-C in the terminal reaches only
 * this process, which decides how steps stop. Output is passed on as it is read; while
 * more than 1 MiB of it waits to reach this process, the runner stops reading steps'
 * output, so a step writing faster than this process consumes waits.
 *
 * If the runner dies while steps run, each of those steps' process groups is killed and
 * its `runStep` rejects with an Error (a bug: the step's outcome is unknown); the next
 * step starts a new runner. Call {@link StepRunnerExecutor.close} when done.
 */
export class StepRunnerExecutor implements Executor {
  readonly name = 'process';
  private runners: Runner[] = [];
  private nextId = 1;
  private readonly runnerModule: URL;
  private readonly execArgv: readonly string[];
  private readonly maxRunners: number;

  constructor(options: StepRunnerExecutorOptions = {}) {
    this.runnerModule = options.runnerModule ?? new URL('./step-runner-main.js', import.meta.url);
    this.execArgv = options.execArgv ?? RUNNER_FLAGS;
    this.maxRunners = Math.max(1, Math.floor(options.maxRunners ?? 1));
  }

  /**
   * Starts the runner now rather than with the first step, so that its start-up overlaps
   * what the caller does meanwhile (loading and compiling a pipeline, say). An idle runner
   * does not keep this process alive.
   */
  start(): void {
    if (this.runners.length === 0) this.startRunner();
  }

  /** The process id of the first runner, if one is running; for diagnostics and tests. */
  get runnerPid(): number | undefined {
    return this.runners[0]?.child.pid;
  }

  /** The process ids of the runners now running; for diagnostics and tests. */
  get runnerPids(): number[] {
    return this.runners.flatMap((runner) =>
      runner.child.pid === undefined ? [] : [runner.child.pid],
    );
  }

  async runStep(
    request: StepRequest,
    output: StepOutput,
    controls: StepControls,
  ): Promise<StepOutcome> {
    const runner = this.runnerFor();
    const id = this.nextId++;
    return await new Promise<StepOutcome>((resolve, reject) => {
      const onCancel = (): void => {
        post(runner, { type: 'cancel', id });
      };
      const onKill = (): void => {
        post(runner, { type: 'kill', id });
      };
      controls.cancel.addEventListener('abort', onCancel, { once: true });
      controls.kill.addEventListener('abort', onKill, { once: true });
      runner.steps.set(id, {
        request,
        output,
        resolve,
        reject,
        pid: undefined,
        detach: () => {
          controls.cancel.removeEventListener('abort', onCancel);
          controls.kill.removeEventListener('abort', onKill);
        },
      });
      if (inFlight(runner) === 1) keepAlive(runner, true);
      post(runner, {
        type: 'run',
        id,
        request,
        cancelled: controls.cancel.aborted,
        killed: controls.kill.aborted,
      });
    });
  }

  /**
   * Runs `file` with `args` (no shell) from a runner, as `child_process.execFile` would,
   * and resolves once it ended, whatever its exit code: forking from the small runner
   * costs a fraction of forking from a large process. Rejects with an {@link ExecError}
   * when it could not start, was ended by `signal` or wrote more than `maxBuffer`, and with
   * an Error when the runner died meanwhile.
   */
  async execFile(file: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
    options.signal?.throwIfAborted();
    refuseNulBytes(file, args, options);
    const runner = this.runnerFor();
    const id = this.nextId++;
    const done = await new Promise<ExecDoneMessage>((resolve, reject) => {
      const onAbort = (): void => {
        post(runner, { type: 'kill', id });
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      runner.execs.set(id, {
        resolve,
        reject,
        detach: () => options.signal?.removeEventListener('abort', onAbort),
      });
      if (inFlight(runner) === 1) keepAlive(runner, true);
      post(runner, {
        type: 'exec',
        id,
        file,
        args,
        cwd: options.cwd,
        env: options.env,
        maxBuffer: options.maxBuffer ?? DEFAULT_EXEC_MAX_BUFFER,
      });
    });
    const { stdout, stderr, exitCode, signal, errorCode, errorMessage } = done;
    if (errorCode !== undefined) {
      throw new ExecError(errorMessage ?? errorCode, errorCode, stdout, stderr);
    }
    return { stdout, stderr, exitCode, signal };
  }

  /**
   * Ends the runners and resolves once they have exited. Steps still running are killed
   * and their `runStep` rejects. A later `runStep` starts a new runner.
   */
  async close(): Promise<void> {
    const runners = this.runners;
    this.runners = [];
    await Promise.all(runners.map(closeRunner));
  }

  private runnerFor(): Runner {
    let least: Runner | undefined;
    for (const runner of this.runners) {
      if (least === undefined || inFlight(runner) < inFlight(least)) least = runner;
    }
    if (least !== undefined && (inFlight(least) === 0 || this.runners.length >= this.maxRunners)) {
      return least;
    }
    return this.startRunner();
  }

  /*
   * The runner has ended once it has exited and its channel has closed: the channel
   * closes after the last message the runner sent was read, so every step that finished
   * before the runner died is settled with its real outcome.
   */
  private startRunner(): Runner {
    const child = fork(fileURLToPath(this.runnerModule), [], {
      execArgv: [...this.execArgv],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      detached: true,
    });
    let markEnded = (): void => undefined;
    const ended = new Promise<void>((resolve) => {
      markEnded = resolve;
    });
    const runner: Runner = { child, steps: new Map(), execs: new Map(), ended, closing: false };
    this.runners.push(runner);
    keepAlive(runner, false);

    let exit: string | undefined;
    let disconnected = false;
    const end = (how: string): void => {
      this.runners = this.runners.filter((other) => other !== runner);
      failPendingSteps(runner, how);
      markEnded();
    };
    child.on('message', (message: RunnerMessage) => {
      receive(runner, message);
    });
    child.on('error', (error) => {
      // Without a pid the runner never started, and neither exits nor disconnects.
      if (child.pid === undefined) end(`could not start: ${error.message}`);
    });
    child.once('disconnect', () => {
      disconnected = true;
      if (exit !== undefined) end(exit);
    });
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      exit = `ended unexpectedly (${signal === null ? `exit code ${code ?? 'unknown'}` : `signal ${signal}`})`;
      if (disconnected) end(exit);
    });
    return runner;
  }
}

async function closeRunner(runner: Runner): Promise<void> {
  runner.closing = true;
  const { child } = runner;
  // Referenced, so that this process waits for the runner's exit.
  child.ref();
  const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
  if (child.connected) child.disconnect();
  await runner.ended;
  clearTimeout(timer);
}

function post(runner: Runner, message: ParentMessage): void {
  if (!runner.child.connected) return;
  // Sending fails only once the runner is gone, which its 'exit' handles.
  runner.child.send(message, undefined, undefined, () => undefined);
}

/*
 * The runner and its channel keep this process alive only while steps are in flight:
 * an idle runner must not hold a finished CLI open, and a busy one must, or this process
 * could exit with steps pending.
 */
function keepAlive(runner: Runner, on: boolean): void {
  const { child } = runner;
  if (on) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}

function inFlight(runner: Runner): number {
  return runner.steps.size + runner.execs.size;
}

function receive(runner: Runner, message: RunnerMessage): void {
  if (message.type === 'exec-done') {
    const exec = runner.execs.get(message.id);
    if (exec === undefined) return;
    runner.execs.delete(message.id);
    exec.detach();
    idle(runner);
    exec.resolve(message);
    return;
  }
  const step = runner.steps.get(message.id);
  if (step === undefined) return;
  switch (message.type) {
    case 'started':
      step.pid = message.pid;
      break;
    case 'output':
      step.output.write(message.stream, message.chunk);
      break;
    case 'done':
      settle(runner, message.id, step);
      step.resolve(message.outcome);
      break;
    case 'failed': {
      settle(runner, message.id, step);
      const error =
        message.userError && message.kind !== undefined
          ? new UserError(message.kind, message.message)
          : new Error(message.message);
      if (!message.userError && message.stack !== undefined) error.stack = message.stack;
      step.reject(error);
      break;
    }
  }
}

function settle(runner: Runner, id: number, step: PendingStep): void {
  runner.steps.delete(id);
  step.detach();
  idle(runner);
}

function idle(runner: Runner): void {
  if (inFlight(runner) === 0 && !runner.closing) keepAlive(runner, false);
}

function failPendingSteps(runner: Runner, how: string): void {
  for (const [id, exec] of runner.execs) {
    runner.execs.delete(id);
    exec.detach();
    exec.reject(
      new Error(
        `the step runner (process ${runner.child.pid ?? 'not started'}) ${how} while a command ran`,
      ),
    );
  }
  for (const [id, step] of runner.steps) {
    if (step.pid !== undefined) signalGroup(step.pid, 'SIGKILL');
    settle(runner, id, step);
    const { stepName, taskId } = step.request;
    const running = `while step "${stepName}" of task ${taskId} was running; the step was killed`;
    step.reject(
      new Error(
        runner.closing
          ? `the process executor was closed ${running}`
          : `the step runner (process ${runner.child.pid ?? 'not started'}) ${how} ${running}`,
      ),
    );
  }
}
