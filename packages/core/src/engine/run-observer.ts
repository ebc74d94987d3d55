import type { Plan } from '../plan/plan.js';
import type { OutputStream, StepOutcome } from '../ports/executor.js';
import type { TaskStatus } from '../scheduler/task-status.js';
import type { RunSummary } from './run-summary.js';

/**
 * Receives what happens during a run, as it happens. Every text it is given has secrets
 * masked already. Calls arrive one at a time, in order: for one task attempt, a step's
 * output comes between its `stepStarted` and `stepFinished`. Methods must not throw; an
 * observer that throws aborts the run as a bug.
 */
export interface RunObserver {
  /** The run has started; the first call. */
  runStarted(runId: string, plan: Plan): void;
  /**
   * A task moved to `status`. `attempt` is the attempt the change concerns (0 before the
   * first one); `reason` says why for skipped, failed, cancelled and retrying tasks.
   */
  taskStatusChanged(
    taskId: string,
    status: TaskStatus,
    attempt: number,
    reason: string | null,
  ): void;
  /** Step `step` (0-based) of an attempt is about to run. */
  stepStarted(taskId: string, attempt: number, step: number, name: string): void;
  /** The step has ended; all of its output has been delivered. */
  stepFinished(
    taskId: string,
    attempt: number,
    step: number,
    name: string,
    outcome: StepOutcome,
  ): void;
  /** Output of the running step of an attempt: whole UTF-8 characters, secrets masked. */
  output(taskId: string, attempt: number, stream: OutputStream, text: string): void;
  /**
   * Something the user should know that does not fail the task, such as a malformed test
   * report. `taskId` is null for warnings about the whole run.
   */
  warning(message: string, taskId: string | null): void;
  /** The run has ended; the last call. */
  runFinished(summary: RunSummary): void;
}

/** An observer that ignores everything. */
export const silentObserver: RunObserver = {
  runStarted: () => undefined,
  taskStatusChanged: () => undefined,
  stepStarted: () => undefined,
  stepFinished: () => undefined,
  output: () => undefined,
  warning: () => undefined,
  runFinished: () => undefined,
};
