import { evaluateExpression, isTruthy, parseCondition } from '../expressions/index.js';
import { isUserError } from '../errors/user-error.js';
import { formatDuration } from '../text/format-duration.js';
import { StopMode, type Decision } from './decisions.js';
import { ApprovalDecision, AttemptOutcome, type SchedulerEvent } from './events.js';
import { retryDelayMs } from './retry-delay.js';
import type { RunState, TaskState } from './run-state.js';
import { RunStatus, canRunMove, isRunFinished } from './run-status.js';
import { taskExpressionContext } from './task-context.js';
import { TaskStatus, canTaskMove, isTaskSettled } from './task-status.js';

/** The outcome of one {@link decide} call. */
export interface Decided {
  readonly state: RunState;
  readonly decisions: readonly Decision[];
}

/**
 * The scheduler: given the state of a run, something that happened and the current time,
 * returns the next state and what to do about it. It performs no I/O and reads no clock,
 * so a run can be replayed from its events and tested without waiting.
 *
 * Rules, in the order they apply to an event:
 *
 * - A task is decided once all its needs have settled. Without a `when`, a main task runs
 *   only if every need succeeded and is otherwise skipped, naming the need; a `finally`
 *   task always runs. With a `when`, the condition decides (see
 *   {@link taskExpressionContext}); a condition that cannot be evaluated fails the task.
 * - `finally` tasks are decided only after every main task has settled, also after a
 *   cancel or a run timeout, but not after a kill.
 * - A failed, timed-out or lost attempt with retries left sends the task back to pending
 *   until `now + backoff`; a `wake_at` decision asks for a `tick` at that time. Attempts
 *   that were stopped are not retried.
 * - When an expansion of a fail-fast matrix group finally fails, the group's running
 *   attempts are stopped and its unstarted expansions cancelled.
 * - A cancel or run timeout cancels every main task that has not started and stops the
 *   running ones; a kill does the same to every task, `finally` ones included, and stops
 *   with `kill`.
 * - Ready tasks start in plan order while fewer than `capacity` attempts run and their
 *   matrix group is below its `maxParallel`.
 * - An approval task starts no attempt and takes no capacity: once ready it is `waiting`
 *   until an `approval_decided` event approves it (succeeded, with results `approved_by`
 *   and `comment`) or rejects it (failed, "rejected by NAME: comment"), or until its
 *   timeout passes (failed; a `wake_at` decision asks for the `tick` that notices). An
 *   accepted decision is also returned as a `record_approval` decision to store.
 * - A started run is `waiting` while no attempt runs and some approval awaits a
 *   decision, and `running` otherwise.
 * - The run finishes once every task has settled.
 *
 * Each call copies the state's arrays once (a copy of n references); the rest of its
 * work is proportional to the tasks the event touches, thanks to the precomputed
 * dependents in {@link RunState.graph}. Events that do not apply (a second cancel, a
 * report for an attempt that is not running) change nothing.
 */
export function decide(state: RunState, event: SchedulerEvent, now: number): Decided {
  if (isRunFinished(state.status)) return { state, decisions: [] };
  const step = new Transition(state, now);
  switch (event.type) {
    case 'run_started':
      step.start();
      break;
    case 'attempt_finished':
      step.attemptFinished(event);
      break;
    case 'cancel_requested':
      step.stopRun('cancel');
      break;
    case 'run_timed_out':
      step.stopRun('timeout');
      break;
    case 'kill_requested':
      step.stopRun('kill');
      break;
    case 'tick':
      step.tick();
      break;
    case 'approval_decided':
      step.approvalDecided(event);
      break;
  }
  return step.result();
}

type AttemptFinished = Extract<SchedulerEvent, { type: 'attempt_finished' }>;
type ApprovalDecided = Extract<SchedulerEvent, { type: 'approval_decided' }>;
type StopCause = 'cancel' | 'timeout' | 'kill';

const STOP_REASON: Record<StopCause, string> = {
  cancel: 'run cancelled',
  timeout: 'run timed out',
  kill: 'run killed',
};

/** One event being applied: mutable copies of the state's parts, and the decisions made. */
class Transition {
  private readonly graph: RunState['graph'];
  private readonly tasks: TaskState[];
  private ready: number[];
  private retrying: number[];
  private awaiting: number[];
  private readonly groupRunning: number[];
  private readonly groupStopped: boolean[];
  private status: RunStatus;
  private running: number;
  private unsettled: number;
  private unsettledMain: number;
  private finallyStarted: boolean;
  private cancelRequested: boolean;
  private timedOut: boolean;
  private killed: boolean;
  private readonly decisions: Decision[] = [];
  /** Pending tasks whose needs have all settled, to be decided. */
  private readonly toDecide: number[] = [];
  private changed = false;

  constructor(
    private readonly prev: RunState,
    private readonly now: number,
  ) {
    this.graph = prev.graph;
    this.tasks = prev.tasks.slice();
    this.ready = prev.ready.slice();
    this.retrying = prev.retrying.slice();
    this.awaiting = prev.awaiting.slice();
    this.groupRunning = prev.groupRunning.slice();
    this.groupStopped = prev.groupStopped.slice();
    this.status = prev.status;
    this.running = prev.running;
    this.unsettled = prev.unsettled;
    this.unsettledMain = prev.unsettledMain;
    this.finallyStarted = prev.finallyStarted;
    this.cancelRequested = prev.cancelRequested;
    this.timedOut = prev.timedOut;
    this.killed = prev.killed;
  }

  result(): Decided {
    if (!this.changed) return { state: this.prev, decisions: this.decisions };
    const state: RunState = {
      graph: this.graph,
      capacity: this.prev.capacity,
      status: this.status,
      tasks: this.tasks,
      ready: this.ready,
      retrying: this.retrying,
      awaiting: this.awaiting,
      running: this.running,
      groupRunning: this.groupRunning,
      groupStopped: this.groupStopped,
      unsettled: this.unsettled,
      unsettledMain: this.unsettledMain,
      finallyStarted: this.finallyStarted,
      cancelRequested: this.cancelRequested,
      timedOut: this.timedOut,
      killed: this.killed,
    };
    return { state, decisions: this.decisions };
  }

  start(): void {
    if (this.status !== RunStatus.Queued) return;
    this.moveRun(RunStatus.Running);
    for (let i = 0; i < this.graph.mainCount; i++) {
      if (this.task(i).waitingOn === 0) this.toDecide.push(i);
    }
    // Every main task may have been carried over from an earlier run.
    if (this.unsettledMain === 0) this.startFinally();
    this.advance();
  }

  attemptFinished(event: AttemptFinished): void {
    const i = this.graph.indexOf.get(event.taskId);
    if (i === undefined) throw new Error(`attempt finished for unknown task ${event.taskId}`);
    const task = this.task(i);
    if (task.status !== TaskStatus.Running || task.attempt !== event.attempt) return;
    this.running--;
    const g = this.graph.groupOf[i] ?? -1;
    if (g >= 0) this.groupRunning[g] = (this.groupRunning[g] ?? 1) - 1;
    const error = event.error ?? null;
    switch (event.outcome) {
      case AttemptOutcome.Succeeded:
        this.settle(i, TaskStatus.Succeeded, null, event.results ?? {});
        break;
      case AttemptOutcome.Failed:
      case AttemptOutcome.TimedOut:
      case AttemptOutcome.Lost: {
        const reason = error ?? DEFAULT_FAILURE[event.outcome];
        if (this.mayRetry(i)) this.retry(i, reason);
        else this.settle(i, lostOrFailed(event.outcome), reason);
        break;
      }
      case AttemptOutcome.Cancelled:
        this.settle(i, TaskStatus.Cancelled, error ?? 'stopped');
        break;
    }
    this.advance();
  }

  stopRun(cause: StopCause): void {
    if (this.killed || (cause !== 'kill' && (this.cancelRequested || this.timedOut))) return;
    if (cause === 'kill') this.killed = true;
    else if (cause === 'cancel') this.cancelRequested = true;
    else this.timedOut = true;
    this.changed = true;
    const reason = STOP_REASON[cause];
    const wasQueued = this.status === RunStatus.Queued;
    if (wasQueued) this.moveRun(RunStatus.Running);
    const last = cause === 'kill' || wasQueued ? this.tasks.length : this.graph.mainCount;
    const mode = cause === 'kill' ? StopMode.Kill : StopMode.Cancel;
    for (let i = 0; i < last; i++) {
      const task = this.task(i);
      if (isTaskSettled(task.status)) continue;
      if (task.status === TaskStatus.Running) this.stop(i, mode, reason);
      else this.settle(i, TaskStatus.Cancelled, reason);
    }
    this.advance();
  }

  tick(): void {
    const due = this.retrying.filter((i) => (this.task(i).notBefore ?? 0) <= this.now);
    const expired = this.awaiting.filter((i) => {
      const by = this.task(i).decideBy;
      return by !== null && by <= this.now;
    });
    if (due.length === 0 && expired.length === 0) return;
    this.retrying = this.retrying.filter((i) => (this.task(i).notBefore ?? 0) > this.now);
    for (const i of due) this.makeReady(i, this.task(i).reason);
    for (const i of expired) {
      const waited = formatDuration(this.graph.plan.tasks[i]?.timeoutMs ?? 0);
      this.settle(i, TaskStatus.Failed, `approval timed out: no decision within ${waited}`);
    }
    this.advance();
  }

  approvalDecided(event: ApprovalDecided): void {
    const i = this.graph.indexOf.get(event.task);
    if (i === undefined || this.task(i).status !== TaskStatus.Waiting) return;
    const comment = event.comment === null || event.comment === '' ? null : event.comment;
    switch (event.decision) {
      case ApprovalDecision.Approve:
        this.settle(i, TaskStatus.Succeeded, null, {
          approved_by: event.by,
          comment: comment ?? '',
        });
        break;
      case ApprovalDecision.Reject:
        this.settle(
          i,
          TaskStatus.Failed,
          `rejected by ${event.by}${comment === null ? '' : `: ${comment}`}`,
        );
        break;
    }
    this.decisions.push({
      type: 'record_approval',
      taskId: event.task,
      decision: event.decision,
      by: event.by,
      comment,
      at: event.at,
    });
    this.advance();
  }

  /** Decides what became decidable, starts what fits, and finishes the run when done. */
  private advance(): void {
    // Deciding a task can settle it (skipped), which appends its dependents: the loop
    // sees them because an array iterator reads the length on every step.
    for (const i of this.toDecide) this.decideTask(i);
    this.toDecide.length = 0;
    this.dispatch();
    if (this.status !== RunStatus.Running && this.status !== RunStatus.Waiting) return;
    if (this.unsettled === 0) {
      const final = this.finalStatus();
      this.moveRun(final);
      this.decisions.push({ type: 'finish_run', status: final });
      return;
    }
    const waiting = this.awaiting.length > 0 && this.running === 0;
    const next = waiting ? RunStatus.Waiting : RunStatus.Running;
    if (next !== this.status) this.moveRun(next);
  }

  private finalStatus(): RunStatus {
    if (this.cancelRequested || this.killed) return RunStatus.Cancelled;
    if (this.timedOut) return RunStatus.TimedOut;
    const failed = this.tasks.some(
      (t) => t.status === TaskStatus.Failed || t.status === TaskStatus.Lost,
    );
    return failed ? RunStatus.Failed : RunStatus.Succeeded;
  }

  private decideTask(i: number): void {
    const task = this.task(i);
    if (task.status !== TaskStatus.Pending || task.attempt > 0) return;
    const fin = this.graph.isFinally[i] ?? false;
    if (this.killed || (!fin && (this.cancelRequested || this.timedOut))) {
      this.settle(i, TaskStatus.Cancelled, this.killed ? STOP_REASON.kill : 'run stopped');
      return;
    }
    const when = this.graph.plan.tasks[i]?.when ?? null;
    if (when === null) {
      const blocker = fin ? undefined : this.firstUnsuccessfulNeed(i);
      if (blocker === undefined) this.makeReady(i, null);
      else this.settle(i, TaskStatus.Skipped, blocker);
      return;
    }
    let run: boolean;
    try {
      const context = taskExpressionContext(this.snapshot(), i);
      run = isTruthy(evaluateExpression(parseCondition(when), context));
    } catch (error) {
      if (!isUserError(error)) throw error;
      this.settle(
        i,
        TaskStatus.Failed,
        `condition \`${when}\` could not be evaluated: ${error.message}`,
      );
      return;
    }
    if (run) this.makeReady(i, null);
    else this.settle(i, TaskStatus.Skipped, `condition \`${when}\` is false`);
  }

  /** "needed task build failed", for the first need that did not succeed. */
  private firstUnsuccessfulNeed(i: number): string | undefined {
    for (const need of this.graph.needs[i] ?? []) {
      const status = this.task(need).status;
      if (status === TaskStatus.Succeeded) continue;
      const id = this.graph.plan.tasks[need]?.id ?? '';
      const was = status === TaskStatus.Failed ? 'failed' : `was ${status}`;
      return `needed task ${id} ${was}`;
    }
    return undefined;
  }

  /** The state so far, for reading (expression contexts). */
  private snapshot(): RunState {
    return {
      ...this.prev,
      tasks: this.tasks,
      cancelRequested: this.cancelRequested,
      timedOut: this.timedOut,
      killed: this.killed,
    };
  }

  private mayRetry(i: number): boolean {
    const task = this.task(i);
    const policy = this.graph.plan.tasks[i]?.retries;
    if (!policy || task.stopping !== null || this.killed) return false;
    if (!this.graph.isFinally[i] && (this.cancelRequested || this.timedOut)) return false;
    const g = this.graph.groupOf[i] ?? -1;
    if (g >= 0 && this.groupStopped[g]) return false;
    return task.attempt <= policy.count;
  }

  private retry(i: number, why: string): void {
    const task = this.task(i);
    const policy = this.graph.plan.tasks[i]?.retries;
    const delay = policy ? retryDelayMs(policy, task.attempt) : 0;
    const notBefore = this.now + delay;
    const reason = `attempt ${task.attempt} failed: ${why}; retrying`;
    this.setTask(i, { status: TaskStatus.Pending, notBefore, reason, stopping: null });
    if (delay <= 0) {
      this.makeReady(i, reason);
      return;
    }
    this.retrying.push(i);
    this.decisions.push({ type: 'wake_at', time: notBefore });
  }

  private makeReady(i: number, reason: string | null): void {
    this.setTask(i, { status: TaskStatus.Ready, notBefore: null, reason });
    const task = this.graph.plan.tasks[i];
    if (task?.approval === undefined) {
      insertSorted(this.ready, i);
      return;
    }
    const decideBy = task.timeoutMs === null ? null : this.now + task.timeoutMs;
    this.setTask(i, { status: TaskStatus.Waiting, decideBy });
    this.awaiting.push(i);
    if (decideBy !== null) this.decisions.push({ type: 'wake_at', time: decideBy });
  }

  /** Starts ready tasks in plan order while there is room. */
  private dispatch(): void {
    if (this.ready.length === 0 || this.running >= this.prev.capacity) return;
    const waiting: number[] = [];
    for (const i of this.ready) {
      if (this.running >= this.prev.capacity) {
        waiting.push(i);
        continue;
      }
      const g = this.graph.groupOf[i] ?? -1;
      const limit = g >= 0 ? this.graph.groups[g]?.maxParallel : null;
      if (limit != null && (this.groupRunning[g] ?? 0) >= limit) {
        waiting.push(i);
        continue;
      }
      this.running++;
      if (g >= 0) this.groupRunning[g] = (this.groupRunning[g] ?? 0) + 1;
      const attempt = this.task(i).attempt + 1;
      this.setTask(i, { status: TaskStatus.Running, attempt, stopping: null, reason: null });
      this.decisions.push({ type: 'start_attempt', taskId: this.id(i), attempt });
    }
    this.ready = waiting;
  }

  private stop(i: number, mode: StopMode, reason: string): void {
    const task = this.task(i);
    if (task.stopping === mode || task.stopping === StopMode.Kill) return;
    this.tasks[i] = { ...task, stopping: mode };
    this.changed = true;
    this.decisions.push({
      type: 'stop_attempt',
      taskId: this.id(i),
      attempt: task.attempt,
      mode,
      reason,
    });
  }

  /** Moves a task to a terminal status and lets its dependents and group react. */
  private settle(
    i: number,
    status: TaskStatus,
    reason: string | null,
    results: Readonly<Record<string, string>> = {},
  ): void {
    const before = this.task(i).status;
    if (before === TaskStatus.Ready) this.ready = this.ready.filter((r) => r !== i);
    if (before === TaskStatus.Pending && this.task(i).notBefore !== null) {
      this.retrying = this.retrying.filter((r) => r !== i);
    }
    if (before === TaskStatus.Waiting) this.awaiting = this.awaiting.filter((a) => a !== i);
    this.setTask(i, { status, reason, results, notBefore: null, decideBy: null });
    this.unsettled--;
    if (!this.graph.isFinally[i]) this.unsettledMain--;
    for (const d of this.graph.dependents[i] ?? []) {
      const dependent = this.task(d);
      const waitingOn = dependent.waitingOn - 1;
      this.tasks[d] = { ...dependent, waitingOn };
      if (waitingOn === 0) this.toDecide.push(d);
    }
    const g = this.graph.groupOf[i] ?? -1;
    if ((status === TaskStatus.Failed || status === TaskStatus.Lost) && g >= 0) this.failFast(g, i);
    if (this.unsettledMain === 0 && !this.finallyStarted && !this.graph.isFinally[i]) {
      this.startFinally();
    }
  }

  private failFast(g: number, failed: number): void {
    const group = this.graph.groups[g];
    if (!group?.failFast || this.groupStopped[g]) return;
    this.groupStopped[g] = true;
    const reason = `matrix fail-fast: ${this.id(failed)} failed`;
    for (const m of group.members) {
      const status = this.task(m).status;
      if (isTaskSettled(status)) continue;
      if (status === TaskStatus.Running) this.stop(m, StopMode.Cancel, reason);
      else this.settle(m, TaskStatus.Cancelled, reason);
    }
  }

  private startFinally(): void {
    this.finallyStarted = true;
    this.changed = true;
    for (let i = this.graph.mainCount; i < this.tasks.length; i++) {
      if (this.task(i).waitingOn === 0) this.toDecide.push(i);
    }
  }

  private setTask(i: number, patch: Partial<TaskState>): void {
    const task = this.task(i);
    if (patch.status !== undefined && patch.status !== task.status) {
      if (!canTaskMove(task.status, patch.status)) {
        throw new Error(`task ${this.id(i)} cannot move from ${task.status} to ${patch.status}`);
      }
      this.decisions.push({
        type: 'task_status',
        taskId: this.id(i),
        status: patch.status,
        attempt: patch.attempt ?? task.attempt,
        reason: patch.reason === undefined ? task.reason : patch.reason,
      });
    }
    this.tasks[i] = { ...task, ...patch };
    this.changed = true;
  }

  private moveRun(to: RunStatus): void {
    if (!canRunMove(this.status, to))
      throw new Error(`run cannot move from ${this.status} to ${to}`);
    this.status = to;
    this.changed = true;
  }

  private task(i: number): TaskState {
    const task = this.tasks[i];
    if (!task) throw new Error(`no task at index ${i}`);
    return task;
  }

  private id(i: number): string {
    return this.graph.plan.tasks[i]?.id ?? String(i);
  }
}

const DEFAULT_FAILURE = {
  [AttemptOutcome.Failed]: 'the attempt failed',
  [AttemptOutcome.TimedOut]: 'the attempt timed out',
  [AttemptOutcome.Lost]: 'the agent running the attempt was lost',
} as const;

function lostOrFailed(outcome: AttemptOutcome): TaskStatus {
  return outcome === AttemptOutcome.Lost ? TaskStatus.Lost : TaskStatus.Failed;
}

function insertSorted(list: number[], value: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, value);
}
