import type { TaskKind } from '../plan/plan.js';
import type { ReportTotals } from '../reports/index.js';
import type { RunStatus } from '../scheduler/run-status.js';
import type { TaskStatus } from '../scheduler/task-status.js';

/** How a run ended, task by task. */
export interface RunSummary {
  readonly runId: string;
  readonly pipeline: string;
  readonly status: RunStatus;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** In plan order. */
  readonly tasks: readonly TaskSummary[];
}

/** How one task ended. */
export interface TaskSummary {
  readonly id: string;
  readonly name: string;
  readonly kind: TaskKind;
  readonly status: TaskStatus;
  /** Attempts started; 0 for a task that never ran. */
  readonly attempts: number;
  /** From the start of the first attempt to the end of the last; 0 if it never ran. */
  readonly durationMs: number;
  /** Declared results of the succeeded attempt, secrets masked. */
  readonly results: Readonly<Record<string, string>>;
  /** Test totals of the last attempt's reports, if it declared reports and any was read. */
  readonly report: ReportTotals | null;
  /** Artifacts kept from the last attempt, paths relative to the workspace. */
  readonly artifacts: readonly ArtifactFile[];
  /** Why the task was skipped, failed or cancelled; null when it succeeded. */
  readonly reason: string | null;
}

/** One file kept in the run's artifact store. */
export interface ArtifactFile {
  readonly path: string;
  readonly size: number;
}
