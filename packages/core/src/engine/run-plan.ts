import type { Plan, PlanTask } from '../plan/plan.js';
import type { Clock, Timer } from '../ports/clock.js';
import type { Executor } from '../ports/executor.js';
import type { TaskWorkspace } from '../ports/task-workspace.js';
import type { ReportTotals } from '../reports/index.js';
import { StopMode, type Decision } from '../scheduler/decisions.js';
import { decide } from '../scheduler/decide.js';
import type { SchedulerEvent } from '../scheduler/events.js';
import { createRunState, type RunState } from '../scheduler/run-state.js';
import type { RunStatus } from '../scheduler/run-status.js';
import { TaskStatus } from '../scheduler/task-status.js';
import { taskExpressionContext } from '../scheduler/task-context.js';
import { SecretMasker } from '../secrets/index.js';
import type { ApprovalPrompter } from './approval-prompter.js';
import { runAttempt, type AttemptReport, type AttemptStop } from './run-attempt.js';
import type { RunControls } from './run-controls.js';
import type { RunObserver } from './run-observer.js';
import type { ArtifactFile, RunSummary } from './run-summary.js';

/** How {@link runPlan} runs a plan. */
export interface RunPlanOptions {
  readonly runId: string;
  /** The executor for a task's steps (for example a container executor when it has an image). */
  readonly executorFor: (task: PlanTask) => Executor;
  readonly workspace: TaskWorkspace;
  /** The environment steps inherit, such as the user's. */
  readonly baseEnv: Readonly<Record<string, string>>;
  /** Secrets by env name: set in every step's environment and masked in everything reported. */
  readonly secrets: Readonly<Record<string, string>>;
  /** At most this many attempts run at once. */
  readonly capacity: number;
  /** How long a step may take to stop after SIGTERM before it is killed. */
  readonly killGraceMs: number;
  readonly clock: Clock;
  readonly observer: RunObserver;
  /** Lets the caller cancel or kill the run. */
  readonly controls?: RunControls | undefined;
  /** Decides approval tasks; without one, every approval task is rejected. */
  readonly approvals?: ApprovalPrompter | undefined;
}

/** Who rejects approval tasks when {@link RunPlanOptions.approvals} is not given. */
const NO_PROMPTER: ApprovalPrompter = {
  ask: () =>
    Promise.resolve({
      decision: 'reject',
      by: 'slipway',
      comment: 'this run has no way to ask anyone for a decision',
    }),
};

/**
 * Runs a plan on this machine and resolves with its summary once every task has settled.
 * Rejects only for a bug (in which case every running step is killed first).
 */
export function runPlan(plan: Plan, options: RunPlanOptions): Promise<RunSummary> {
  return new PlanRun(plan, options).run();
}

interface ActiveAttempt {
  readonly stop: AttemptStop;
  done: Promise<void>;
}

interface TaskRecord {
  firstStartedAt: number | null;
  lastEndedAt: number | null;
  report: ReportTotals | null;
  artifacts: readonly ArtifactFile[];
}

/*
 * The engine is a loop around the pure scheduler. Everything that happens (the run
 * starting, an attempt ending, a stop request, a timer) becomes a scheduler event; each
 * event is decided and its decisions are carried out before the next event is looked at,
 * so decisions never interleave. Events raised while decisions are being carried out
 * (a stop request made by an observer, say) wait in `queue`. Attempts run concurrently
 * as promises; each reports back with an `attempt_finished` event. Timers exist only for
 * the run's timeout, retry backoffs, task timeouts and approval timeouts. An approval
 * task that starts waiting is handed to the prompter; its answer comes back as an
 * `approval_decided` event, and the question is withdrawn (its signal aborted) when the
 * task settles some other way. The run is over when the scheduler decides `finish_run`,
 * which it does only after every attempt has reported.
 */
class PlanRun {
  private state: RunState;
  private readonly masker: SecretMasker;
  private readonly records: TaskRecord[];
  private readonly active = new Map<number, ActiveAttempt>();
  /** Approval tasks being asked about, by index. */
  private readonly asking = new Map<number, AbortController>();
  private readonly timers = new Set<Timer>();
  private readonly queue: SchedulerEvent[] = [];
  private applying = false;
  private done = false;
  private startedAt = 0;
  private unsubscribe: () => void = () => undefined;
  private resolve: (summary: RunSummary) => void = () => undefined;
  private reject: (error: unknown) => void = () => undefined;

  constructor(
    private readonly plan: Plan,
    private readonly options: RunPlanOptions,
  ) {
    this.state = createRunState(plan, { capacity: options.capacity });
    this.masker = new SecretMasker(Object.values(options.secrets));
    this.records = plan.tasks.map(() => ({
      firstStartedAt: null,
      lastEndedAt: null,
      report: null,
      artifacts: [],
    }));
  }

  run(): Promise<RunSummary> {
    return new Promise<RunSummary>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      const { clock, observer, controls } = this.options;
      this.startedAt = clock.now();
      observer.runStarted(this.options.runId, this.plan);
      if (this.plan.timeoutMs !== null) {
        this.addTimer(this.plan.timeoutMs, { type: 'run_timed_out' });
      }
      if (controls) {
        this.unsubscribe = controls.onRequest((mode) => {
          this.apply({ type: mode === StopMode.Kill ? 'kill_requested' : 'cancel_requested' });
        });
      }
      this.apply({ type: 'run_started' });
    });
  }

  private apply(event: SchedulerEvent): void {
    this.queue.push(event);
    if (this.applying) return;
    this.applying = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        if (this.done) {
          this.queue.length = 0;
          break;
        }
        const { state, decisions } = decide(this.state, next, this.options.clock.now());
        this.state = state;
        for (const decision of decisions) this.act(decision);
      }
    } catch (error) {
      this.crash(error);
    } finally {
      this.applying = false;
    }
  }

  private act(decision: Decision): void {
    switch (decision.type) {
      case 'task_status': {
        this.options.observer.taskStatusChanged(
          decision.taskId,
          decision.status,
          decision.attempt,
          decision.reason === null ? null : this.masker.mask(decision.reason),
        );
        const index = this.indexOf(decision.taskId);
        if (decision.status === TaskStatus.Waiting) this.askForApproval(index);
        else this.withdraw(index);
        break;
      }
      case 'record_approval':
        break;
      case 'start_attempt':
        this.startAttempt(this.indexOf(decision.taskId), decision.attempt);
        break;
      case 'stop_attempt': {
        const active = this.active.get(this.indexOf(decision.taskId));
        if (!active) break;
        active.stop.reason ??= decision.reason;
        if (decision.mode === StopMode.Kill) active.stop.kill.abort();
        else active.stop.cancel.abort();
        break;
      }
      case 'wake_at':
        this.wakeAt(decision.time);
        break;
      case 'finish_run':
        this.finish(decision.status);
        break;
    }
  }

  private startAttempt(index: number, attempt: number): void {
    const task = this.plan.tasks[index];
    const record = this.records[index];
    if (!task || !record) throw new Error(`no task at index ${index}`);
    const { options } = this;
    record.firstStartedAt ??= options.clock.now();
    const stop: AttemptStop = {
      cancel: new AbortController(),
      kill: new AbortController(),
      reason: null,
      timedOut: false,
    };
    const active: ActiveAttempt = { stop, done: Promise.resolve() };
    this.active.set(index, active);
    const attemptReport = (async () =>
      runAttempt({
        runId: options.runId,
        plan: this.plan,
        task,
        attempt,
        executor: options.executorFor(task),
        workspace: options.workspace,
        baseEnv: options.baseEnv,
        secrets: options.secrets,
        masker: this.masker,
        killGraceMs: options.killGraceMs,
        clock: options.clock,
        observer: options.observer,
        stop,
        context: () => taskExpressionContext(this.state, index),
      }))();
    active.done = attemptReport.then(
      (report) => {
        this.active.delete(index);
        this.attemptEnded(index, attempt, report);
      },
      (error: unknown) => {
        this.active.delete(index);
        this.crash(error);
      },
    );
  }

  private askForApproval(index: number): void {
    const task = this.plan.tasks[index];
    if (!task) throw new Error(`no task at index ${index}`);
    const controller = new AbortController();
    this.asking.set(index, controller);
    const prompter = this.options.approvals ?? NO_PROMPTER;
    prompter.ask(task, controller.signal).then(
      (answer) => {
        if (controller.signal.aborted) return;
        this.asking.delete(index);
        this.apply({
          type: 'approval_decided',
          task: task.id,
          decision: answer.decision,
          by: answer.by,
          comment: answer.comment,
          at: this.options.clock.now(),
        });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) this.crash(error);
      },
    );
  }

  private withdraw(index: number): void {
    const controller = this.asking.get(index);
    if (controller === undefined) return;
    this.asking.delete(index);
    controller.abort();
  }

  private attemptEnded(index: number, attempt: number, report: AttemptReport): void {
    const task = this.plan.tasks[index];
    const record = this.records[index];
    if (!task || !record) return;
    record.lastEndedAt = this.options.clock.now();
    record.report = report.report;
    if (report.artifacts) record.artifacts = report.artifacts;
    this.apply({
      type: 'attempt_finished',
      taskId: task.id,
      attempt,
      outcome: report.outcome,
      results: report.results,
      error: report.error,
    });
  }

  private addTimer(delayMs: number, event: SchedulerEvent): void {
    const timer = this.options.clock.setTimer(Math.max(0, delayMs), () => {
      this.timers.delete(timer);
      this.apply(event);
    });
    this.timers.add(timer);
  }

  /*
   * A Node.js timer may fire a millisecond before its time as performance.now() counts
   * it, and a tick before the time it was asked for changes nothing, so an early timer
   * is set again for the rest.
   */
  private wakeAt(time: number): void {
    const { clock } = this.options;
    const timer = clock.setTimer(Math.max(0, time - clock.now()), () => {
      this.timers.delete(timer);
      if (clock.now() < time) this.wakeAt(time);
      else this.apply({ type: 'tick' });
    });
    this.timers.add(timer);
  }

  private finish(status: RunStatus): void {
    this.stopListening();
    const summary = this.summary(status);
    try {
      this.options.observer.runFinished(summary);
    } catch (error) {
      this.reject(error);
      return;
    }
    this.resolve(summary);
  }

  /** A bug: kill what runs, wait for it to end, and reject. */
  private crash(error: unknown): void {
    if (this.done) return;
    this.stopListening();
    const running = [...this.active.values()];
    for (const { stop } of running) stop.kill.abort();
    void Promise.allSettled(running.map((a) => a.done)).then(() => {
      this.reject(error);
    });
  }

  private stopListening(): void {
    this.done = true;
    this.unsubscribe();
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    for (const controller of this.asking.values()) controller.abort();
    this.asking.clear();
  }

  private summary(status: RunStatus): RunSummary {
    const now = this.options.clock.now();
    return {
      runId: this.options.runId,
      pipeline: this.plan.pipeline,
      status,
      startedAt: this.startedAt,
      durationMs: Math.max(0, Math.round(now - this.startedAt)),
      tasks: this.plan.tasks.map((task, i) => {
        const state = this.state.tasks[i];
        const record = this.records[i];
        const start = record?.firstStartedAt ?? null;
        const end = record?.lastEndedAt ?? null;
        return {
          id: task.id,
          name: task.name,
          kind: task.kind,
          status: state?.status ?? 'pending',
          attempts: state?.attempt ?? 0,
          durationMs: start !== null && end !== null ? Math.max(0, Math.round(end - start)) : 0,
          results: state?.results ?? {},
          report: record?.report ?? null,
          artifacts: record?.artifacts ?? [],
          reason: state?.reason == null ? null : this.masker.mask(state.reason),
        };
      }),
    };
  }

  private indexOf(taskId: string): number {
    const index = this.state.graph.indexOf.get(taskId);
    if (index === undefined) throw new Error(`unknown task ${taskId}`);
    return index;
  }
}
