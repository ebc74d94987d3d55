import { isUserError, type OutputStream, type StepRequest } from '@slipway/core/ports';
import { ProcessExecutor } from './process-executor.js';
import type { ParentMessage, RunMessage, RunnerMessage } from './step-runner-protocol.js';

/*
 * The step runner: the small process a StepRunnerExecutor forks, which runs every step
 * it is sent with a ProcessExecutor. It imports only the standard library, the process
 * executor and the light `@slipway/core/ports` entry, so that forking a step from it
 * stays cheap. Steps run concurrently; each is known by the id the parent gave it.
 *
 * When the parent goes away (it closed the channel, exited or was killed), the runner
 * kills the process groups of the steps still running and exits, so nothing outlives
 * the parent.
 */

const send = process.send?.bind(process);
if (send === undefined) {
  process.stderr.write('the step runner must be started by a StepRunnerExecutor\n');
  process.exit(2);
}

interface RunningStep {
  readonly cancel: AbortController;
  readonly kill: AbortController;
}

const running = new Map<number, RunningStep>();
const ids = new WeakMap<StepRequest, number>();

const tell = (message: RunnerMessage): void => {
  // Sending fails only once the parent is gone, which 'disconnect' handles.
  send(message, undefined, undefined, () => undefined);
};

const executor = new ProcessExecutor({
  onStarted: (request, pid) => {
    const id = ids.get(request);
    if (id !== undefined) tell({ type: 'started', id, pid });
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
      tell({ type: 'output', id, stream, chunk });
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

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'run':
      run(message);
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
