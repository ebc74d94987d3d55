import { isAbsolute } from 'node:path';
import {
  OutputStream,
  StepEnd,
  type Executor,
  type StepControls,
  type StepOutcome,
  type StepOutput,
  type StepRequest,
} from '@slipway/core';

export { FakeClock } from './fake-clock.js';

/** What one scripted step does, in this order: fail to start, run `effect`, write, wait, exit. */
export interface FakeStep {
  /** Ends the step as `start_failed` with this error, before anything else happens. */
  readonly startFailed?: string;
  /** Makes `runStep` reject with this error, as an unusable executor or a bug would. */
  readonly throws?: Error;
  /** Runs when the step starts, for example to write result files. */
  readonly effect?: (request: StepRequest) => void | Promise<void>;
  /** Output written when the step starts; a string chunk goes to stdout as UTF-8. */
  readonly output?: readonly FakeChunk[];
  /** How long the step runs, on the executor's clock; 0 unless given. */
  readonly durationMs?: number;
  /** Runs until it is cancelled, killed or times out. */
  readonly hang?: boolean;
  /** The exit code when the step ends on its own; 0 unless given. */
  readonly exitCode?: number;
}

/** A chunk of output: text for stdout, or bytes or text for a given stream. */
export type FakeChunk =
  string | { readonly stream?: OutputStream; readonly data: string | Uint8Array };

/** Which calls a script applies to; a field left out matches every value. */
export interface FakeStepMatch {
  readonly taskId?: string;
  readonly stepIndex?: number;
  readonly attempt?: number;
}

/** One call of {@link FakeExecutor.runStep}, with its timing on the executor's clock. */
export interface FakeCall {
  readonly request: StepRequest;
  readonly startedAt: number;
  endedAt: number | null;
  outcome: StepOutcome | null;
}

/** The part of core's `Clock` port the fake executor waits with. */
export interface FakeExecutorClock {
  now(): number;
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

const realClock: FakeExecutorClock = {
  now: () => Date.now(),
  sleep: (delayMs, signal) =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(handle);
        resolve();
      };
      const handle = setTimeout(done, delayMs);
      if (signal?.aborted) done();
      else signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * An executor whose steps do what a test scripts, and which checks the executor port's
 * call-order rules as it is called: the steps of one task attempt start at step 0 and go
 * in order, attempts of a task only go up, one task never runs two steps at once, no step
 * starts with a stop already requested, and no step starts after any step was killed.
 * Broken rules are collected in {@link violations}; a correct engine leaves it empty.
 */
export class FakeExecutor implements Executor {
  readonly name = 'fake';
  /** Every call, in the order the calls were made. */
  readonly calls: FakeCall[] = [];
  /** Call-order rules the caller broke, in words. */
  readonly violations: string[] = [];
  /** The most steps that ran at the same time. */
  maxConcurrent = 0;

  private readonly clock: FakeExecutorClock;
  private readonly rules: { match: FakeStepMatch; step: FakeStep }[] = [];
  private readonly fallback: FakeStep;
  private readonly runningTasks = new Set<string>();
  private readonly lastStep = new Map<string, { attempt: number; stepIndex: number }>();
  private killed = false;

  constructor(options: { clock?: FakeExecutorClock; fallback?: FakeStep } = {}) {
    this.clock = options.clock ?? realClock;
    this.fallback = options.fallback ?? {};
  }

  /**
   * Scripts the steps matching `match` (a task id alone matches all its steps and
   * attempts). A later script wins over an earlier one for the calls both match.
   */
  script(match: FakeStepMatch | string, step: FakeStep): this {
    this.rules.push({ match: typeof match === 'string' ? { taskId: match } : match, step });
    return this;
  }

  /** The calls made for one task, in order. */
  callsFor(taskId: string): FakeCall[] {
    return this.calls.filter((c) => c.request.taskId === taskId);
  }

  /** Steps running now. */
  get running(): number {
    return this.runningTasks.size;
  }

  async runStep(
    request: StepRequest,
    output: StepOutput,
    controls: StepControls,
  ): Promise<StepOutcome> {
    this.checkStart(request, controls);
    const call: FakeCall = { request, startedAt: this.clock.now(), endedAt: null, outcome: null };
    this.calls.push(call);
    this.runningTasks.add(request.taskId);
    this.maxConcurrent = Math.max(this.maxConcurrent, this.runningTasks.size);
    try {
      const outcome = await this.perform(this.scriptFor(request), request, output, controls, call);
      call.outcome = outcome;
      return outcome;
    } finally {
      call.endedAt = this.clock.now();
      this.runningTasks.delete(request.taskId);
      if (controls.kill.aborted) this.killed = true;
    }
  }

  private async perform(
    step: FakeStep,
    request: StepRequest,
    output: StepOutput,
    controls: StepControls,
    call: FakeCall,
  ): Promise<StepOutcome> {
    const elapsed = () => this.clock.now() - call.startedAt;
    if (step.throws) throw step.throws;
    if (step.startFailed !== undefined) {
      return { end: StepEnd.StartFailed, exitCode: null, durationMs: 0, error: step.startFailed };
    }
    await step.effect?.(request);
    const encoder = new TextEncoder();
    for (const chunk of step.output ?? []) {
      const { stream = OutputStream.Stdout, data } =
        typeof chunk === 'string' ? { data: chunk } : chunk;
      output.write(stream, typeof data === 'string' ? encoder.encode(data) : data);
    }
    const stop = AbortSignal.any([controls.cancel, controls.kill]);
    const runFor = step.hang ? Infinity : (step.durationMs ?? 0);
    const limit = request.timeoutMs ?? Infinity;
    const wait = Math.min(runFor, limit);
    if (wait === Infinity) await untilAborted(stop);
    else if (wait > 0) await this.clock.sleep(wait, stop);
    if (stop.aborted) return { end: StepEnd.Cancelled, exitCode: null, durationMs: elapsed() };
    if (limit < runFor) return { end: StepEnd.TimedOut, exitCode: null, durationMs: elapsed() };
    return { end: StepEnd.Exited, exitCode: step.exitCode ?? 0, durationMs: elapsed() };
  }

  private scriptFor(request: StepRequest): FakeStep {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i];
      if (rule && matches(rule.match, request)) return rule.step;
    }
    return this.fallback;
  }

  private checkStart(request: StepRequest, controls: StepControls): void {
    const { taskId, attempt, stepIndex } = request;
    const what = `step ${stepIndex} of ${taskId} attempt ${attempt}`;
    if (this.killed) this.violations.push(`${what} started after a step was killed`);
    if (controls.kill.aborted || controls.cancel.aborted) {
      this.violations.push(`${what} started with a stop already requested`);
    }
    if (this.runningTasks.has(taskId)) {
      this.violations.push(`${what} started while another step of ${taskId} was running`);
    }
    const last = this.lastStep.get(taskId);
    const expected = last?.attempt === attempt ? last.stepIndex + 1 : 0;
    if (last && attempt < last.attempt) {
      this.violations.push(`${what} started after attempt ${last.attempt}`);
    } else if (stepIndex !== expected) {
      this.violations.push(`${what} started out of order (expected step ${expected})`);
    }
    if (!isAbsolute(request.workingDirectory)) {
      this.violations.push(`${what} has a relative working directory`);
    }
    this.lastStep.set(taskId, { attempt, stepIndex });
  }
}

function matches(match: FakeStepMatch, request: StepRequest): boolean {
  return (
    (match.taskId === undefined || match.taskId === request.taskId) &&
    (match.stepIndex === undefined || match.stepIndex === request.stepIndex) &&
    (match.attempt === undefined || match.attempt === request.attempt)
  );
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else
      signal.addEventListener(
        'abort',
        () => {
          resolve();
        },
        { once: true },
      );
  });
}
