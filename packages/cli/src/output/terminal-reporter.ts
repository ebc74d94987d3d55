import {
  TaskStatus,
  formatDuration,
  type OutputStream,
  type Plan,
  type RunObserver,
  type RunSummary,
  type StepOutcome,
} from '@slipway/core';
import { BufferedWriter } from './buffered-writer.js';
import type { Colors } from './colors.js';
import { paintStatus, summaryTable } from './summary-table.js';

const PROGRESS_AFTER_MS = 3000;
const PROGRESS_EVERY_MS = 1000;

export interface TerminalReporterOptions {
  readonly stream: NodeJS.WriteStream | NodeJS.WritableStream;
  readonly colors: Colors;
  /** Show a progress line (only on a terminal). */
  readonly progress: boolean;
  /** Print the summary table when the run ends. */
  readonly table: boolean;
}

/**
 * Shows a run in a terminal: each output line prefixed by its task, step and task
 * transitions, a progress line on a terminal while a long run goes on, and a summary
 * table at the end. Text arrives with secrets masked by the engine.
 */
export class TerminalReporter implements RunObserver {
  private readonly out: BufferedWriter;
  private readonly partial = new Map<string, string>();
  private readonly running = new Set<string>();
  private prefixWidth = 0;
  private total = 0;
  private settled = 0;
  private startedAt = Date.now();
  private progressTimer: NodeJS.Timeout | undefined;
  private progressShown = false;

  constructor(private readonly options: TerminalReporterOptions) {
    this.out = new BufferedWriter(
      options.stream,
      () => (this.progressShown ? '\r\x1b[K' : ''),
      () => this.progressLine(),
    );
  }

  runStarted(runId: string, plan: Plan): void {
    this.total = plan.tasks.length;
    this.startedAt = Date.now();
    this.prefixWidth = Math.min(32, Math.max(0, ...plan.tasks.map((t) => t.id.length)));
    const { colors } = this.options;
    this.out.write(
      colors.dim(
        `run ${runId}: pipeline ${plan.pipeline}, ${plan.tasks.length} task${plan.tasks.length === 1 ? '' : 's'}\n`,
      ),
    );
    if (this.options.progress) {
      this.progressTimer = setInterval(() => {
        if (Date.now() - this.startedAt < PROGRESS_AFTER_MS) return;
        this.progressShown = true;
        this.options.stream.write(`\r\x1b[K${this.progressLine()}`);
      }, PROGRESS_EVERY_MS);
      this.progressTimer.unref();
    }
  }

  taskStatusChanged(
    taskId: string,
    status: TaskStatus,
    attempt: number,
    reason: string | null,
  ): void {
    switch (status) {
      case TaskStatus.Running:
        this.running.add(taskId);
        return;
      case TaskStatus.Pending:
        this.running.delete(taskId);
        if (attempt > 0)
          this.line(
            taskId,
            this.options.colors.yellow(`↻ ${reason ?? `attempt ${attempt} failed; retrying`}`),
          );
        return;
      case TaskStatus.Ready:
        return;
      case TaskStatus.Waiting:
        this.line(taskId, this.options.colors.yellow('⏸ awaiting a decision'));
        return;
      case TaskStatus.Succeeded:
      case TaskStatus.Failed:
      case TaskStatus.Skipped:
      case TaskStatus.Cancelled:
      case TaskStatus.Lost:
        this.running.delete(taskId);
        this.settled++;
        this.flushPartial(taskId);
        this.line(
          taskId,
          `${statusMark(status)} ${paintStatus(status, this.options.colors)}${reason ? `: ${reason}` : ''}`,
        );
        return;
    }
  }

  stepStarted(taskId: string, _attempt: number, _step: number, name: string): void {
    this.line(taskId, this.options.colors.dim(`▸ ${name}`));
  }

  stepFinished(
    taskId: string,
    _attempt: number,
    _step: number,
    name: string,
    outcome: StepOutcome,
  ): void {
    this.flushPartial(taskId);
    if (outcome.end !== 'exited' || outcome.exitCode !== 0) {
      const how =
        outcome.end === 'exited'
          ? `exited with ${String(outcome.exitCode ?? 'a signal')}`
          : outcome.end.replace('_', ' ');
      this.line(
        taskId,
        this.options.colors.dim(`▸ ${name}: ${how} after ${formatDuration(outcome.durationMs)}`),
      );
    }
  }

  output(taskId: string, _attempt: number, _stream: OutputStream, text: string): void {
    const lines = ((this.partial.get(taskId) ?? '') + text).split('\n');
    this.partial.set(taskId, lines.pop() ?? '');
    for (const line of lines) this.line(taskId, line);
  }

  warning(message: string, taskId: string | null): void {
    const text = this.options.colors.yellow(`warning: ${message}`);
    if (taskId) this.line(taskId, text);
    else this.out.write(`${text}\n`);
  }

  runFinished(summary: RunSummary): void {
    if (this.progressTimer) clearInterval(this.progressTimer);
    const { colors } = this.options;
    if (this.options.table) {
      const rows = summary.tasks.map((t) => ({
        id: t.id,
        status: t.status,
        attempts: t.attempts,
        durationMs: t.durationMs,
        details: taskDetails(t),
      }));
      this.out.write(`\n${summaryTable(rows, colors)}\n`);
    }
    this.progressShown = false;
    this.out.write(
      `\nrun ${paintStatus(summary.status, colors)} in ${formatDuration(summary.durationMs)}\n`,
    );
    this.out.flush();
  }

  /** Writes anything still buffered; call before the process exits. */
  flush(): void {
    for (const taskId of this.partial.keys()) this.flushPartial(taskId);
    this.out.flush();
  }

  private flushPartial(taskId: string): void {
    const rest = this.partial.get(taskId);
    if (rest) this.line(taskId, rest);
    this.partial.delete(taskId);
  }

  private line(taskId: string, text: string): void {
    const prefix = this.options.colors.forKey(taskId, `[${taskId}]`.padEnd(this.prefixWidth + 2));
    this.out.write(`${prefix} ${text}\n`);
  }

  private progressLine(): string {
    if (!this.progressShown) return '';
    const names = [...this.running];
    const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` +${names.length - 3}` : '');
    const elapsed = formatDuration(Date.now() - this.startedAt);
    return this.options.colors.dim(
      `… ${this.settled}/${this.total} done, running: ${shown || 'none'} (${elapsed})`,
    );
  }
}

function statusMark(status: TaskStatus): string {
  return status === TaskStatus.Succeeded ? '✓' : status === TaskStatus.Skipped ? '–' : '✗';
}

function taskDetails(task: RunSummary['tasks'][number]): string {
  const parts: string[] = [];
  if (task.report) {
    const r = task.report;
    parts.push(
      `${r.tests} tests, ${r.failed + r.errored} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`,
    );
  }
  const results = Object.keys(task.results);
  if (results.length) parts.push(`results: ${results.join(', ')}`);
  if (task.artifacts.length)
    parts.push(`${task.artifacts.length} artifact${task.artifacts.length === 1 ? '' : 's'}`);
  if (task.reason && task.status !== TaskStatus.Succeeded) parts.push(task.reason);
  return parts.join('; ');
}
