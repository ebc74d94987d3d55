import { formatDuration } from '../text/format-duration.js';
import { isUserError } from '../errors/user-error.js';
import type { ExpressionContext } from '../expressions/index.js';
import type { Plan, PlanStep, PlanTask } from '../plan/plan.js';
import type { Clock } from '../ports/clock.js';
import { StepEnd, type Executor, type StepOutcome } from '../ports/executor.js';
import type { TaskWorkspace } from '../ports/task-workspace.js';
import { mergeReports, type ReportTotals, type TestReport } from '../reports/index.js';
import { AttemptOutcome } from '../scheduler/events.js';
import type { SecretMasker } from '../secrets/index.js';
import { MaskedStepOutput } from './masked-step-output.js';
import type { RunObserver } from './run-observer.js';
import type { ArtifactFile } from './run-summary.js';
import { stepEnvironments } from './step-environment.js';

/**
 * The stop switches of one attempt. The engine aborts `cancel` for a graceful stop (a run
 * cancel, a matrix fail-fast, the task's timeout) and `kill` for a hard one.
 */
export interface AttemptStop {
  readonly cancel: AbortController;
  readonly kill: AbortController;
  /** Why the attempt is being stopped; set with the first stop. */
  reason: string | null;
  /** Set when the task's timeout fired. */
  timedOut: boolean;
}

/** Everything one attempt needs. */
export interface AttemptInput {
  readonly runId: string;
  readonly plan: Plan;
  readonly task: PlanTask;
  readonly attempt: number;
  readonly executor: Executor;
  readonly workspace: TaskWorkspace;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, string>>;
  readonly masker: SecretMasker;
  readonly killGraceMs: number;
  readonly clock: Clock;
  readonly observer: RunObserver;
  readonly stop: AttemptStop;
  /** The task's expression context, read when its env values are evaluated. */
  readonly context: () => ExpressionContext;
}

/** How an attempt ended; every text in it has secrets masked. */
export interface AttemptReport {
  readonly outcome: AttemptOutcome;
  readonly error: string | null;
  readonly results: Readonly<Record<string, string>>;
  /** Totals of the test reports read, or null when none was declared or read. */
  readonly report: ReportTotals | null;
  /** The test reports read, merged: suites and cases, with messages and details masked. */
  readonly testReport: TestReport | null;
  readonly artifacts: readonly ArtifactFile[] | null;
}

interface StepsEnd {
  outcome: AttemptOutcome;
  error: string | null;
}

/**
 * Runs one attempt of a task: prepares its folders, runs its steps in order, then reads
 * its results (after success), test reports and artifacts. Problems the user can fix
 * (a failing step, a missing result, an env expression that cannot be evaluated) end the
 * attempt as failed; only bugs reject.
 */
export async function runAttempt(input: AttemptInput): Promise<AttemptReport> {
  const { task, workspace, masker, stop } = input;
  let end: StepsEnd;
  let folders: { workingDirectory: string; resultsDirectory: string } | undefined;
  try {
    folders = await workspace.prepareAttempt(task.id, input.attempt, task.results);
    const envs = stepEnvironments({
      runId: input.runId,
      task,
      attempt: input.attempt,
      trigger: input.plan.trigger,
      workingDirectory: folders.workingDirectory,
      resultsDirectory: folders.resultsDirectory,
      baseEnv: input.baseEnv,
      secrets: input.secrets,
      context: input.context,
    });
    end = await runStepsWithTimeout(input, folders, envs);
  } catch (error) {
    if (!isUserError(error)) throw error;
    end = { outcome: AttemptOutcome.Failed, error: masker.mask(error.message) };
  }
  const report: AttemptReport = {
    ...end,
    results: {},
    report: null,
    testReport: null,
    artifacts: null,
  };
  if (!folders || stop.kill.signal.aborted) return report;
  return await collectOutputs(input, folders.resultsDirectory, report);
}

async function runStepsWithTimeout(
  input: AttemptInput,
  folders: { workingDirectory: string; resultsDirectory: string },
  envs: readonly Record<string, string>[],
): Promise<StepsEnd> {
  const { task, stop } = input;
  const timer =
    task.timeoutMs === null
      ? null
      : input.clock.setTimer(task.timeoutMs, () => {
          if (stop.cancel.signal.aborted || stop.kill.signal.aborted) return;
          stop.timedOut = true;
          stop.cancel.abort();
        });
  try {
    return await runSteps(input, folders, envs);
  } finally {
    timer?.cancel();
  }
}

async function runSteps(
  input: AttemptInput,
  folders: { workingDirectory: string; resultsDirectory: string },
  envs: readonly Record<string, string>[],
): Promise<StepsEnd> {
  const { task, attempt, observer, masker, stop } = input;
  const signals = { cancel: stop.cancel.signal, kill: stop.kill.signal };
  const stopped = () => signals.cancel.aborted || signals.kill.aborted;
  const mounts = [folders.workingDirectory, folders.resultsDirectory];
  for (const [index, step] of task.steps.entries()) {
    if (stopped()) return stoppedEnd(input);
    observer.stepStarted(task.id, attempt, index, step.name);
    const output = new MaskedStepOutput(masker, (stream, text) => {
      observer.output(task.id, attempt, stream, text);
    });
    let outcome: StepOutcome;
    try {
      outcome = await input.executor.runStep(
        {
          taskId: task.id,
          attempt,
          stepIndex: index,
          stepName: step.name,
          script: step.run,
          shell: step.shell,
          env: envs[index] ?? {},
          workingDirectory: folders.workingDirectory,
          mounts,
          image: task.image ?? undefined,
          timeoutMs: step.timeoutMs ?? undefined,
          killGraceMs: input.killGraceMs,
        },
        output,
        signals,
      );
    } catch (error) {
      if (!isUserError(error)) throw error;
      outcome = { end: StepEnd.StartFailed, exitCode: null, durationMs: 0, error: error.message };
    } finally {
      output.end();
    }
    if (outcome.error !== undefined) outcome = { ...outcome, error: masker.mask(outcome.error) };
    observer.stepFinished(task.id, attempt, index, step.name, outcome);
    if (outcome.end === StepEnd.Exited && outcome.exitCode === 0) continue;
    if (stopped() || outcome.end === StepEnd.Cancelled) return stoppedEnd(input);
    const problem = describeFailure(step, outcome);
    if (!step.continueOnError) return { outcome: AttemptOutcome.Failed, error: problem };
    observer.warning(`${problem}; continuing because the step has continue-on-error`, task.id);
  }
  return { outcome: AttemptOutcome.Succeeded, error: null };
}

function stoppedEnd({ task, stop }: AttemptInput): StepsEnd {
  if (stop.timedOut && task.timeoutMs !== null) {
    return {
      outcome: AttemptOutcome.TimedOut,
      error: `the task timed out after ${formatDuration(task.timeoutMs)}`,
    };
  }
  return { outcome: AttemptOutcome.Cancelled, error: stop.reason ?? 'the attempt was stopped' };
}

function describeFailure(step: PlanStep, outcome: StepOutcome): string {
  switch (outcome.end) {
    case StepEnd.Exited:
      return outcome.exitCode === null
        ? `step "${step.name}" was ended by a signal`
        : `step "${step.name}" exited with code ${outcome.exitCode}`;
    case StepEnd.TimedOut:
      return step.timeoutMs === null
        ? `step "${step.name}" timed out`
        : `step "${step.name}" timed out after ${formatDuration(step.timeoutMs)}`;
    case StepEnd.StartFailed:
      return `step "${step.name}" could not start: ${outcome.error ?? 'no reason given'}`;
    case StepEnd.Cancelled:
      return `step "${step.name}" was stopped`;
  }
}

/** Results (after success), test report totals and artifacts of an attempt. */
async function collectOutputs(
  input: AttemptInput,
  resultsDirectory: string,
  ended: AttemptReport,
): Promise<AttemptReport> {
  const { task, workspace, masker, observer } = input;
  let { outcome, error } = ended;
  let results: Record<string, string> = {};
  if (outcome === AttemptOutcome.Succeeded && task.results.length > 0) {
    try {
      const read = await workspace.readResults(resultsDirectory, task.results);
      for (const [name, value] of Object.entries(read)) results[name] = masker.mask(value);
    } catch (e) {
      if (!isUserError(e)) throw e;
      outcome = AttemptOutcome.Failed;
      error = masker.mask(e.message);
      results = {};
    }
  }
  const warn = (message: string) => {
    observer.warning(masker.mask(message), task.id);
  };
  const testReport =
    task.reports.length > 0 ? await readReports(workspace, task.reports, masker, warn) : null;
  let artifacts: ArtifactFile[] | null = null;
  if (task.artifacts.length > 0) {
    try {
      artifacts = await workspace.collectArtifacts(task.id, task.artifacts);
    } catch (e) {
      if (!isUserError(e)) throw e;
      if (outcome === AttemptOutcome.Succeeded) {
        outcome = AttemptOutcome.Failed;
        error = masker.mask(e.message);
      } else {
        warn(e.message);
      }
    }
  }
  return { outcome, error, results, report: testReport?.totals ?? null, testReport, artifacts };
}

async function readReports(
  workspace: TaskWorkspace,
  globs: readonly string[],
  masker: SecretMasker,
  warn: (message: string) => void,
): Promise<TestReport | null> {
  let files: { file: string; text: string }[];
  try {
    files = await workspace.readReportFiles(globs);
  } catch (error) {
    if (!isUserError(error)) throw error;
    warn(`test reports could not be read: ${error.message}`);
    return null;
  }
  const reports: TestReport[] = [];
  const { parseJUnitXml } = await import('../reports/parse-junit-xml.js');
  for (const { file, text } of files) {
    try {
      reports.push(parseJUnitXml(text, file));
    } catch (error) {
      if (!isUserError(error)) throw error;
      warn(`test report skipped: ${error.message}`);
    }
  }
  return reports.length > 0 ? maskReport(mergeReports(reports), masker) : null;
}

/** Test output can echo secrets: masks every text a report carries. */
function maskReport(report: TestReport, masker: SecretMasker): TestReport {
  return {
    totals: report.totals,
    suites: report.suites.map((suite) => ({
      ...suite,
      name: masker.mask(suite.name),
      cases: suite.cases.map((c) => ({
        ...c,
        suite: masker.mask(c.suite),
        name: masker.mask(c.name),
        classname: masker.mask(c.classname),
        ...(c.message !== undefined ? { message: masker.mask(c.message) } : {}),
        ...(c.details !== undefined ? { details: masker.mask(c.details) } : {}),
      })),
    })),
  };
}
