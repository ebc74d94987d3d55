import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Executor } from '@slipway/core/ports';
import type { ExecOptions, ExecResult } from './exec-command.js';
import { NativeStepExecutor } from './native-step-executor.js';
import { StepRunnerExecutor } from './step-runner-executor.js';

export { ExecError, type ExecOptions, type ExecResult } from './exec-command.js';
export { NativeStepExecutor } from './native-step-executor.js';
export { StepRunnerExecutor, type StepRunnerExecutorOptions } from './step-runner-executor.js';

/**
 * The executor of local steps and commands that a server, an agent or `slipway run`
 * uses: steps and commands start from a small child process, never forked from the
 * caller's large one.
 */
export interface LocalStepExecutor extends Executor {
  /** Starts the child process now, so that its start overlaps the caller's work. */
  start(): void;
  /** Runs a command (no shell) to its end, as `child_process.execFile` would. */
  execFile(file: string, args: readonly string[], options: ExecOptions): Promise<ExecResult>;
  /** Ends the child process; steps still running are killed and their `runStep` rejects. */
  close(): Promise<void>;
}

/** The step spawner `npm run build` compiles when a C compiler is there. */
export const stepSpawnerProgram = fileURLToPath(new URL('./slipway-step-spawner', import.meta.url));

/**
 * The native step spawner ({@link NativeStepExecutor}) when it was built, else the Node.js
 * step runner ({@link StepRunnerExecutor}) with up to `maxRunners` runners.
 * `SLIPWAY_STEP_SPAWNER=node` picks the Node.js runner.
 */
export function createLocalStepExecutor(
  options: { readonly maxRunners?: number } = {},
  env: NodeJS.ProcessEnv = process.env,
): LocalStepExecutor {
  if (env.SLIPWAY_STEP_SPAWNER !== 'node' && existsSync(stepSpawnerProgram)) {
    return new NativeStepExecutor(stepSpawnerProgram);
  }
  return new StepRunnerExecutor(options);
}
