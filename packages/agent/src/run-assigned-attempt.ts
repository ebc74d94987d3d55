import { join } from 'node:path';
import {
  AttemptOutcome,
  SecretMasker,
  runAttempt,
  type AttemptStop,
  type Clock,
  type ExpressionContext,
  type Executor,
  type OutputStream,
  type Plan,
  type RunObserver,
} from '@slipway/core';
import { LocalWorkspace } from '@slipway/executors';
import { FinishOutcome, type AssignedAttempt } from './agent-connection.js';
import type { AttemptFolders } from './attempt-folders.js';
import type { AttemptOutputs } from './publish-outputs.js';
import { redactSource } from './run-git.js';

/** The executors an agent runs steps with. */
export interface AgentExecutors {
  /** Runs steps of tasks without an image. */
  readonly process: Executor;
  /** Runs steps of tasks with an image; without it such tasks fail with an explanation. */
  readonly container?: Executor | undefined;
}

/** What {@link runAssignedAttempt} needs besides the attempt. */
export interface AssignedAttemptContext {
  /** Lends each attempt a folder with its checkout, and takes it back afterwards. */
  readonly folders: Pick<AttemptFolders, 'take' | 'giveBack'>;
  readonly executors: AgentExecutors;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly killGraceMs: number;
  readonly clock: Clock;
  /** Masked output of step `step` (0-based), in order. */
  readonly output: (step: number, stream: OutputStream, text: string) => void;
  /**
   * Sends the attempt's test report and artifacts to the control plane once its steps
   * have ended (unless it was killed), before its checkout is removed; `warn` writes into
   * the attempt's log. Returns a problem that fails a succeeded attempt, or null.
   */
  readonly publish?: (
    outputs: AttemptOutputs,
    warn: (message: string) => void,
  ) => Promise<string | null>;
  /**
   * Takes the giving back of the attempt's folder (see {@link AttemptFolders.giveBack}),
   * for the caller to run later (once the result is reported, say); without it the folder
   * is given back before the attempt's end is returned.
   */
  readonly giveBackLater?: (giveBack: () => Promise<void>) => void;
}

/** How an attempt ended; every text is masked. */
export interface AttemptEnd {
  readonly outcome: FinishOutcome;
  readonly results: Readonly<Record<string, string>>;
  readonly error: string | null;
}

/**
 * Runs one attempt handed to this agent: takes a folder with the project checked out at
 * the run's commit, runs the task's steps there with core's `runAttempt` (env, secrets,
 * timeouts, results, reports, artifacts), and gives the folder back (or hands that to
 * `giveBackLater`).
 * A checkout that fails ends the attempt as failed with git's explanation. Rejects only
 * for a bug.
 */
export async function runAssignedAttempt(
  work: AssignedAttempt,
  stop: AttemptStop,
  context: AssignedAttemptContext,
): Promise<AttemptEnd> {
  const masker = new SecretMasker(Object.values(work.secrets));
  if (isStopped(stop)) return stopped(stop);
  const { folders } = context;
  const preparing = folders.take(work.project.source, work.project.commit, stop.kill.signal);
  const prepared = await unlessStopped(preparing, stop);
  if (prepared === STOPPED) {
    // The attempt ends when it is told to, even if its folder or checkout never comes (a
    // file system or a fetch that does not answer); whatever does come is removed then.
    void preparing.then(
      (made) => (made instanceof Error ? undefined : folders.giveBack(made, false)),
      () => undefined,
    );
    return stopped(stop);
  }
  try {
    if (prepared instanceof Error) {
      if (isStopped(stop)) return stopped(stop);
      const message = `cannot check out ${work.project.commit} of ${redactSource(work.project.source)}: ${prepared.message}`;
      return { outcome: FinishOutcome.Failed, results: {}, error: masker.mask(message) };
    }
    const executor = executorFor(work, context.executors);
    if (typeof executor === 'string') {
      return { outcome: FinishOutcome.Failed, results: {}, error: executor };
    }
    const observer = attemptObserver(context.output);
    const artifactsDir = join(prepared.path, 'artifacts');
    const report = await runAttempt({
      runId: work.runId,
      plan: planOf(work),
      task: work.task,
      attempt: work.attempt,
      executor,
      workspace: new LocalWorkspace({
        root: prepared.checkout.path,
        scratch: prepared.path,
        artifactsDir,
      }),
      baseEnv: context.baseEnv,
      secrets: work.secrets,
      masker,
      killGraceMs: context.killGraceMs,
      clock: context.clock,
      observer,
      stop,
      context: () => work.context ?? basicContext(work),
    });
    const end: AttemptEnd = {
      outcome: finishOutcome(report.outcome),
      results: report.results,
      error: report.error,
    };
    if (!context.publish || stop.kill.signal.aborted) return end;
    const problem = await context.publish(
      { testReport: report.testReport, artifacts: report.artifacts ?? [], artifactsDir },
      (message) => {
        observer.warning(masker.mask(message), work.taskId);
      },
    );
    if (problem === null || end.outcome !== FinishOutcome.Succeeded) return end;
    return { outcome: FinishOutcome.Failed, results: {}, error: masker.mask(problem) };
  } finally {
    if (!(prepared instanceof Error)) {
      // A folder whose attempt was stopped may still be written to: it is not reused.
      const giveBack = (): Promise<void> => folders.giveBack(prepared, !isStopped(stop));
      if (context.giveBackLater) context.giveBackLater(giveBack);
      else await giveBack();
    }
  }
}

const STOPPED = Symbol('stopped');

/** What `work` resolves to, or {@link STOPPED} as soon as the attempt is told to stop. */
async function unlessStopped<T>(work: Promise<T>, stop: AttemptStop): Promise<T | typeof STOPPED> {
  const signals = [stop.cancel.signal, stop.kill.signal];
  let onAbort = (): void => undefined;
  const aborted = new Promise<typeof STOPPED>((resolve) => {
    onAbort = () => {
      resolve(STOPPED);
    };
  });
  for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    for (const signal of signals) signal.removeEventListener('abort', onAbort);
  }
}

function isStopped(stop: AttemptStop): boolean {
  return stop.cancel.signal.aborted || stop.kill.signal.aborted;
}

function executorFor(work: AssignedAttempt, executors: AgentExecutors): Executor | string {
  if (work.task.image === null) return executors.process;
  if (executors.container) return executors.container;
  return (
    `task "${work.task.id}" runs in a container (image ${work.task.image}), but this agent has ` +
    'no container engine: start Docker or Podman where the agent runs, or route the task to ' +
    'an agent that has one with `runs-on`'
  );
}

function stopped(stop: AttemptStop): AttemptEnd {
  return {
    outcome: FinishOutcome.Cancelled,
    results: {},
    error: stop.reason ?? 'the attempt was stopped',
  };
}

/** The plan `runAttempt` sees: the one task, with the run's params and trigger. */
function planOf(work: AssignedAttempt): Plan {
  return {
    schemaVersion: 1,
    pipeline: work.run.pipeline,
    source: { file: '' },
    params: work.run.params,
    trigger: work.run.trigger,
    timeoutMs: null,
    concurrency: null,
    tasks: [work.task],
  };
}

function basicContext(work: AssignedAttempt): ExpressionContext {
  return {
    params: work.run.params,
    trigger: { ...work.run.trigger },
    ...(work.task.matrix ? { matrix: work.task.matrix } : {}),
    tasks: {},
    status: { failed: false, cancelled: false },
  };
}

/** Step output and warnings of one attempt, keyed by the step that was running. */
function attemptObserver(
  emit: (step: number, stream: OutputStream, text: string) => void,
): RunObserver {
  let step = 0;
  return {
    runStarted: () => undefined,
    taskStatusChanged: () => undefined,
    stepStarted: (_taskId, _attempt, index) => {
      step = index;
    },
    stepFinished: () => undefined,
    output: (_taskId, _attempt, stream, text) => {
      emit(step, stream, text);
    },
    warning: (message) => {
      emit(step, 'stderr', `[slipway] warning: ${message}\n`);
    },
    runFinished: () => undefined,
  };
}

function finishOutcome(outcome: AttemptOutcome): FinishOutcome {
  switch (outcome) {
    case AttemptOutcome.Succeeded:
      return FinishOutcome.Succeeded;
    case AttemptOutcome.Failed:
      return FinishOutcome.Failed;
    case AttemptOutcome.TimedOut:
      return FinishOutcome.TimedOut;
    case AttemptOutcome.Cancelled:
      return FinishOutcome.Cancelled;
    case AttemptOutcome.Lost:
      throw new Error('an attempt run by this agent cannot end as lost');
  }
}
