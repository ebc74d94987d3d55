import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import {
  StepEnd,
  type Executor,
  type StepControls,
  type StepOutcome,
  type StepOutput,
  type StepRequest,
} from '@slipway/core/ports';
import { nulByteInEnv } from './env-nul-byte.js';
import { signalGroup } from './signal-group.js';
import { spawnHere, type ProcessSpawner, type SpawnedProcess } from './process-spawner.js';

/**
 * How long output may keep arriving after a step's main process exited and its process
 * group was killed. Only a process that left the group (for example with `setsid`) can
 * hold the pipes open that long; the step ends without waiting for it.
 */
const OUTPUT_DRAIN_MS = 2000;

type StopReason = typeof StepEnd.TimedOut | typeof StepEnd.Cancelled;

/** Options of a {@link ProcessExecutor}. */
export interface ProcessExecutorOptions {
  /** What starts each step's process; `child_process.spawn` from this process by default. */
  readonly spawner?: ProcessSpawner;
  /**
   * Called once a step's main process has started, with its process id, which is also
   * the id of the step's process group, and a way to pause reading its output. Not called
   * for a step that could not start.
   */
  readonly onStarted?: (request: StepRequest, pid: number, output: OutputFlow) => void;
}

/** Pauses and resumes reading the output of a running step. */
export interface OutputFlow {
  /**
   * Stops reading the step's output, so that a step writing more waits until
   * {@link OutputFlow.resume}. Ignored once the main process has exited: what is left in
   * the pipes is then read at once.
   */
  pause(): void;
  resume(): void;
}

/**
 * Runs each step as a local process: `[...shell, script]` in its own process group, with
 * exactly the request's environment. Stopping a step signals the whole group, so
 * processes the script started in the background stop with it, and whatever is left of
 * the group when the script exits is killed.
 */
export class ProcessExecutor implements Executor {
  readonly name = 'process';
  private readonly spawner: ProcessSpawner;

  constructor(private readonly options: ProcessExecutorOptions = {}) {
    this.spawner = options.spawner ?? spawnHere;
  }

  async runStep(
    request: StepRequest,
    output: StepOutput,
    controls: StepControls,
  ): Promise<StepOutcome> {
    if (request.image !== undefined) {
      throw new Error(
        `the process executor was asked to run image ${request.image} for task ${request.taskId}; image tasks belong to the container executor`,
      );
    }
    const [command, ...args] = request.shell;
    if (command === undefined) {
      throw new Error(`step ${request.stepName} of task ${request.taskId} has an empty shell`);
    }
    const startedAt = performance.now();
    if (controls.cancel.aborted || controls.kill.aborted) {
      return { end: StepEnd.Cancelled, exitCode: null, durationMs: 0 };
    }
    args.push(request.script);
    const unsafeEnv = nulByteInEnv(request.env);
    if (unsafeEnv !== undefined) return startFailed(startedAt, unsafeEnv);

    let child: SpawnedProcess;
    try {
      child = await this.spawner.spawn(command, args, {
        cwd: request.workingDirectory,
        env: request.env,
      });
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      return startFailed(
        startedAt,
        await describeSpawnError(reason, command, request.workingDirectory),
      );
    }
    return await supervise(child, request, output, controls, startedAt, (flow) => {
      this.options.onStarted?.(request, child.pid, flow);
    });
  }
}

/*
 * Supervision of one running step. The step ends when its main process has exited and
 * both output pipes have closed (or OUTPUT_DRAIN_MS after the exit, whichever is first).
 * Stop requests arrive from three sources (timeout, cancel, kill); the first one fixes
 * the outcome, later ones can only make the stop harsher. Timers exist only while they
 * can matter: the timeout timer when a timeout is set, the grace timer after a graceful
 * stop, the drain timer when output is still open after the exit. Reading output may be
 * paused by the owner (onStarted) while the main process runs; its exit resumes reading,
 * so that the drain timer never waits on a pause. A step whose process the spawner lost
 * (it died) has its group killed and rejects: its outcome is unknown.
 */
function supervise(
  child: SpawnedProcess,
  request: StepRequest,
  output: StepOutput,
  controls: StepControls,
  startedAt: number,
  onStarted: (flow: OutputFlow) => void,
): Promise<StepOutcome> {
  const { pid } = child;
  return new Promise<StepOutcome>((resolve, reject) => {
    let stopReason: StopReason | undefined;
    let exit: { code: number | null } | undefined;
    let outputEnded = false;
    let timeoutTimer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let finished = false;

    const stopGracefully = (reason: StopReason): void => {
      if (stopReason !== undefined || exit !== undefined) return;
      stopReason = reason;
      signalGroup(pid, 'SIGTERM');
      graceTimer = setTimeout(() => {
        signalGroup(pid, 'SIGKILL');
      }, request.killGraceMs);
    };
    const onCancel = (): void => {
      stopGracefully(StepEnd.Cancelled);
    };
    const onKill = (): void => {
      if (exit !== undefined) return;
      stopReason ??= StepEnd.Cancelled;
      signalGroup(pid, 'SIGKILL');
    };
    controls.cancel.addEventListener('abort', onCancel, { once: true });
    controls.kill.addEventListener('abort', onKill, { once: true });
    if (request.timeoutMs !== undefined) {
      timeoutTimer = setTimeout(() => {
        stopGracefully(StepEnd.TimedOut);
      }, request.timeoutMs);
    }

    const settle = (): boolean => {
      if (finished) return false;
      finished = true;
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
      controls.cancel.removeEventListener('abort', onCancel);
      controls.kill.removeEventListener('abort', onKill);
      return true;
    };
    const finish = (): void => {
      if (!settle()) return;
      const durationMs = Math.round(performance.now() - startedAt);
      if (stopReason !== undefined) {
        resolve({ end: stopReason, exitCode: null, durationMs });
      } else {
        resolve({ end: StepEnd.Exited, exitCode: exit?.code ?? null, durationMs });
      }
    };

    child.watch({
      output: (stream, chunk) => {
        output.write(stream, chunk);
      },
      exited: (code) => {
        exit = { code };
        child.resumeOutput();
        clearTimeout(timeoutTimer);
        clearTimeout(graceTimer);
        signalGroup(pid, 'SIGKILL');
        if (outputEnded) {
          finish();
          return;
        }
        drainTimer ??= setTimeout(() => {
          child.dropOutput();
          finish();
        }, OUTPUT_DRAIN_MS);
      },
      outputEnded: () => {
        outputEnded = true;
        if (exit !== undefined) finish();
      },
      lost: (reason) => {
        signalGroup(pid, 'SIGKILL');
        if (!settle()) return;
        reject(
          new Error(
            `${reason} while step "${request.stepName}" of task ${request.taskId} was running; the step was killed`,
          ),
        );
      },
    });
    onStarted({
      pause: () => {
        child.pauseOutput();
      },
      resume: () => {
        child.resumeOutput();
      },
    });
  });
}

function startFailed(startedAt: number, error: string): StepOutcome {
  return {
    end: StepEnd.StartFailed,
    exitCode: null,
    durationMs: Math.round(performance.now() - startedAt),
    error,
  };
}

/** A spawn reports a missing working directory as a missing command; tell them apart. */
async function describeSpawnError(
  error: Error,
  command: string,
  workingDirectory: string,
): Promise<string> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const directory = await stat(workingDirectory).catch(() => undefined);
    if (directory === undefined) {
      return `cannot start the step: working directory ${workingDirectory} does not exist`;
    }
    if (!directory.isDirectory()) {
      return `cannot start the step: working directory ${workingDirectory} is not a directory`;
    }
    return `cannot start the step: shell ${command} not found`;
  }
  if (code === 'EACCES') {
    return `cannot start the step: shell ${command} or working directory ${workingDirectory} is not accessible`;
  }
  return `cannot start the step with shell ${command} in ${workingDirectory}: ${error.message}`;
}
