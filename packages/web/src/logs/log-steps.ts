import type { TaskStatus } from '@slipway/api';
import type { LogLine } from './log-lines.js';

/**
 * What the log page tells of a step. The server records no per-step outcome, so it is
 * read from the task's status, its reason (`step "NAME" exited with code 1`) and which
 * steps wrote output: steps before the one writing (or the one that failed) finished,
 * those after it wait (task running) or did not run (task ended unsuccessfully).
 * `finished` is a step before that one that may go on after an error
 * (`continue-on-error`): it ended, well or not.
 */
export const StepState = {
  Pending: 'pending',
  Running: 'running',
  Succeeded: 'succeeded',
  Finished: 'finished',
  Failed: 'failed',
  Cancelled: 'cancelled',
  NotRun: 'not_run',
} as const;
export type StepState = (typeof StepState)[keyof typeof StepState];

/** A step as its log header shows it. */
export interface StepSummary {
  /** 0-based, as in the log chunks. */
  readonly index: number;
  readonly name: string;
  readonly state: StepState;
  /** When its first line was written; null before it wrote any. */
  readonly startedAt: number | null;
  /** When the next step wrote its first line, or the task ended; null while unknown. */
  readonly finishedAt: number | null;
  /** How many lines of output it wrote. */
  readonly lines: number;
}

/** A step of the plan, as far as the log page needs it. */
export interface PlannedStep {
  readonly name: string;
  readonly continueOnError: boolean;
}

/** What the log page knows of the task whose output it shows. */
export interface TaskFacts {
  readonly status: TaskStatus;
  readonly reason: string | null;
  readonly finishedAt: number | null;
}

/** Words for a step's state in its header. */
export function stepStateLabel(state: StepState): string {
  switch (state) {
    case StepState.Pending:
      return 'waiting';
    case StepState.Running:
      return 'running';
    case StepState.Succeeded:
      return 'succeeded';
    case StepState.Finished:
      return 'finished';
    case StepState.Failed:
      return 'failed';
    case StepState.Cancelled:
      return 'cancelled';
    case StepState.NotRun:
      return 'not run';
  }
}

/** The step a reason such as `step "test" exited with code 1` names; -1 when none. */
function stepOfReason(reason: string | null, steps: readonly PlannedStep[]): number {
  const match = reason === null ? null : /^step "((?:[^"\\]|\\.)*)"/.exec(reason);
  if (match === null) return -1;
  return steps.findIndex((step) => step.name === match[1]);
}

/**
 * The steps of a task with their state, times and line counts, from the plan's steps,
 * the lines written so far and the task's status (see {@link StepState}).
 */
export function summarizeSteps(
  planned: readonly PlannedStep[],
  lines: readonly LogLine[],
  task: TaskFacts,
): StepSummary[] {
  const counts: number[] = [];
  const starts: number[] = [];
  let lastWriting = -1;
  for (const line of lines) {
    counts[line.step] = (counts[line.step] ?? 0) + 1;
    starts[line.step] ??= line.at;
    if (line.step > lastWriting) lastWriting = line.step;
  }
  const total = Math.max(planned.length, lastWriting + 1);
  const current = ((): number => {
    switch (task.status) {
      case 'succeeded':
        return total;
      case 'running':
        return Math.max(lastWriting, 0);
      case 'failed':
      case 'cancelled':
      case 'lost': {
        const named = stepOfReason(task.reason, planned);
        return named !== -1 ? named : lastWriting;
      }
      case 'pending':
      case 'ready':
      case 'waiting':
      case 'skipped':
        return -1;
    }
  })();
  const stateOf = (i: number): StepState => {
    const before = planned[i]?.continueOnError === true ? StepState.Finished : StepState.Succeeded;
    switch (task.status) {
      case 'succeeded':
        return StepState.Succeeded;
      case 'running':
        return i < current ? before : i === current ? StepState.Running : StepState.Pending;
      case 'failed':
      case 'lost':
        return i < current ? before : i === current ? StepState.Failed : StepState.NotRun;
      case 'cancelled':
        return i < current ? before : i === current ? StepState.Cancelled : StepState.NotRun;
      case 'pending':
      case 'ready':
      case 'waiting':
        return StepState.Pending;
      case 'skipped':
        return StepState.NotRun;
    }
  };
  const summaries: StepSummary[] = [];
  for (let i = 0; i < total; i++) {
    const startedAt = starts[i] ?? null;
    let finishedAt: number | null = null;
    if (startedAt !== null) {
      let next: number | undefined;
      for (let j = i + 1; j < starts.length && next === undefined; j++) next = starts[j];
      finishedAt = next ?? (task.status === 'running' ? null : task.finishedAt);
    }
    summaries.push({
      index: i,
      name: planned[i]?.name ?? `step ${i + 1}`,
      state: stateOf(i),
      startedAt,
      finishedAt,
      lines: counts[i] ?? 0,
    });
  }
  return summaries;
}

/**
 * Steps that start collapsed: those that succeeded, when another step failed, so that
 * the failure is what the reader sees first (as on GitHub Actions); none otherwise.
 */
export function initiallyCollapsed(steps: readonly StepSummary[]): Set<number> {
  const failing = steps.some(
    (s) => s.state === StepState.Failed || s.state === StepState.Cancelled,
  );
  if (!failing) return new Set();
  return new Set(steps.filter((s) => s.state === StepState.Succeeded).map((s) => s.index));
}

/** A row of the log view: a step's header, or a line of output. */
export type LogRow =
  | { readonly kind: 'step'; readonly step: StepSummary; readonly collapsed: boolean }
  | { readonly kind: 'line'; readonly line: LogLine };

/**
 * The rows of the log view: each step's header followed by its lines, unless the step is
 * collapsed. Lines of a step the summary does not know (none, normally) come last.
 */
export function logRows(
  lines: readonly LogLine[],
  steps: readonly StepSummary[],
  collapsed: ReadonlySet<number>,
): LogRow[] {
  const byStep: LogLine[][] = steps.map(() => []);
  const stray: LogLine[] = [];
  for (const line of lines) (byStep[line.step] ?? stray).push(line);
  const rows: LogRow[] = [];
  steps.forEach((step, i) => {
    const shut = collapsed.has(step.index);
    rows.push({ kind: 'step', step, collapsed: shut });
    if (shut) return;
    for (const line of byStep[i] ?? []) rows.push({ kind: 'line', line });
  });
  for (const line of stray) rows.push({ kind: 'line', line });
  return rows;
}
