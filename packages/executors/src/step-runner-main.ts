import { execFile } from 'node:child_process';
import { isUserError, type OutputStream, type StepRequest } from '@slipway/core/ports';
import { ProcessExecutor, type OutputFlow } from './process-executor.js';
import type {
  ExecMessage,
  ParentMessage,
  RunMessage,
  RunnerMessage,
} from './step-runner-protocol.js';

/*
 * The step runner: the small process a StepRunnerExecutor forks, which runs every step
 * it is sent with a ProcessExecutor, and every command (`exec`) with `execFile`. It imports only the standard library, the process
 * executor and the light `@slipway/core/ports` entry, so that forking a step from it
 * stays cheap. Steps run concurrently; each is known by the id the parent gave it.
 *
 * Flow control: output is sent on as it is read. While more than OUTPUT_HIGH_WATER bytes
 * of output wait in the channel to the parent, the runner stops reading the output of
 * every running step (a step that writes more then waits, as it would on a slow
 * terminal), and reads again once less than OUTPUT_LOW_WATER bytes wait.
 *
 * When the parent goes away (it closed the channel, exited or was killed), the runner
 * kills the process groups of the steps still running and exits, so nothing outlives
 * the parent.
 */

const OUTPUT_HIGH_WATER = 1024 * 1024;
const OUTPUT_LOW_WATER = 256 * 1024;

const send = process.send?.bind(process) ?? withoutParent();

function withoutParent(): never {
  process.stderr.write('the step runner must be started by a StepRunnerExecutor\n');
  process.exit(2);
}

interface RunningStep {
  readonly cancel: AbortController;
  readonly kill: AbortController;
  output?: OutputFlow;
}

const running = new Map<number, RunningStep>();
const ids = new WeakMap<StepRequest, number>();
let queuedOutputBytes = 0;
let outputPaused = false;

const ignoreSendError = (): void => {
  // Sending fails only once the parent is gone, which 'disconnect' handles.
};

const tell = (message: RunnerMessage): void => {
  send(message, undefined, undefined, ignoreSendError);
};

function tellOutput(id: number, stream: OutputStream, chunk: Uint8Array): void {
  const bytes = chunk.byteLength;
  queuedOutputBytes += bytes;
  send({ type: 'output', id, stream, chunk }, undefined, undefined, () => {
    queuedOutputBytes -= bytes;
    if (outputPaused && queuedOutputBytes < OUTPUT_LOW_WATER) {
      outputPaused = false;
      for (const step of running.values()) step.output?.resume();
    }
  });
  if (!outputPaused && queuedOutputBytes > OUTPUT_HIGH_WATER) {
    outputPaused = true;
    for (const step of running.values()) step.output?.pause();
  }
}

const executor = new ProcessExecutor({
  onStarted: (request, pid, output) => {
    const id = ids.get(request);
    const step = id === undefined ? undefined : running.get(id);
    if (id === undefined || step === undefined) return;
    step.output = output;
    if (outputPaused) output.pause();
    tell({ type: 'started', id, pid });
  },
});

function run({ id, request, cancelled, killed }: RunMessage): void {
  const step: RunningStep = { cancel: new AbortController(), kill: new AbortController() };
  if (cancelled) step.cancel.abort();
  if (killed) step.kill.abort();
  running.set(id, step);
  ids.set(request, id);
  const output = {
    write: (stream: OutputStream, chunk: Uint8Array): void => {
      tellOutput(id, stream, chunk);
    },
  };
  executor
    .runStep(request, output, { cancel: step.cancel.signal, kill: step.kill.signal })
    .then(
      (outcome) => {
        tell({ type: 'done', id, outcome });
      },
      (error: unknown) => {
        if (isUserError(error)) {
          tell({ type: 'failed', id, message: error.message, userError: true, kind: error.kind });
        } else if (error instanceof Error) {
          const stack = error.stack;
          tell({
            type: 'failed',
            id,
            message: error.message,
            userError: false,
            ...(stack === undefined ? {} : { stack }),
          });
        } else {
          tell({ type: 'failed', id, message: String(error), userError: false });
        }
      },
    )
    .finally(() => {
      running.delete(id);
    });
}

function exec(message: ExecMessage): void {
  try {
    startExec(message);
  } catch (error) {
    // Refused before it started (the parent checks for what it knows of): answered
    // without Node's message, which may quote an environment value.
    running.delete(message.id);
    const code = (error as { code?: unknown }).code;
    tell({
      type: 'exec-done',
      id: message.id,
      stdout: '',
      stderr: '',
      exitCode: null,
      signal: null,
      errorCode: typeof code === 'string' ? code : 'ERR_INVALID_ARG_VALUE',
      errorMessage: `cannot run ${message.file}: Node.js refused its arguments or environment`,
    });
  }
}

function startExec({ id, file, args, cwd, env, maxBuffer }: ExecMessage): void {
  const kill = new AbortController();
  running.set(id, { cancel: kill, kill });
  execFile(
    file,
    [...args],
    { cwd, env, maxBuffer, encoding: 'utf8', signal: kill.signal, killSignal: 'SIGKILL' },
    (error, stdout, stderr) => {
      running.delete(id);
      const failure = error as (NodeJS.ErrnoException & { signal?: string | null }) | null;
      const exitCode =
        failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null;
      tell({
        type: 'exec-done',
        id,
        stdout,
        stderr,
        exitCode,
        signal: failure?.signal ?? null,
        ...(failure !== null && typeof failure.code === 'string'
          ? { errorCode: failure.code, errorMessage: failure.message }
          : {}),
      });
    },
  );
}

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'run':
      run(message);
      break;
    case 'exec':
      exec(message);
      break;
    case 'cancel':
      running.get(message.id)?.cancel.abort();
      break;
    case 'kill':
      running.get(message.id)?.kill.abort();
      break;
  }
});

process.on('disconnect', () => {
  // Aborting `kill` sends SIGKILL to each step's process group synchronously.
  for (const step of running.values()) step.kill.abort();
  process.exit(0);
});
