import type {
  Executor,
  StepControls,
  StepOutcome,
  StepOutput,
  StepRequest,
} from '@slipway/core/ports';
import { execWith, type ExecOptions, type ExecResult } from './exec-command.js';
import { NativeProcessSpawner } from './native-process-spawner.js';
import { ProcessExecutor } from './process-executor.js';

/**
 * Runs steps exactly as {@link ProcessExecutor} does, with each process started by the
 * step spawner (see {@link NativeProcessSpawner}) instead of forked from this process:
 * a posix_spawn from the small native spawner costs a fraction of a fork of a Node.js
 * process. Timeouts, cancelling and output flow are handled here; the spawner only
 * starts, reads and reaps. If the spawner dies while steps run, their process groups are
 * killed and their `runStep` rejects with an Error (a bug: the outcome is unknown); the
 * next step starts a new spawner. Call {@link NativeStepExecutor.close} when done.
 */
export class NativeStepExecutor implements Executor {
  readonly name = 'process';
  private readonly spawner: NativeProcessSpawner;
  private readonly steps: ProcessExecutor;

  /** @param program the built step spawner (`slipway-step-spawner`). */
  constructor(program: string) {
    this.spawner = new NativeProcessSpawner(program);
    this.steps = new ProcessExecutor({ spawner: this.spawner });
  }

  /** Starts the spawner now rather than with the first step. */
  start(): void {
    this.spawner.start();
  }

  /** The spawner's process id while it runs; for diagnostics and tests. */
  get spawnerPid(): number | undefined {
    return this.spawner.pid;
  }

  runStep(request: StepRequest, output: StepOutput, controls: StepControls): Promise<StepOutcome> {
    return this.steps.runStep(request, output, controls);
  }

  /** Runs a command (no shell) to its end from the spawner; see {@link execWith}. */
  execFile(file: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return execWith(this.spawner, file, args, options);
  }

  /** Ends the spawner: steps still running are killed and their `runStep` rejects. */
  close(): Promise<void> {
    return this.spawner.close();
  }
}
