import {
  CommitSync,
  RunStatus,
  TaskStatus,
  type ConcurrencyGroupRef,
  type ControlStore,
  type NewRun,
  type RecordedOutcome,
  type RunRecord,
  type SchedulerEvent,
} from '@slipway/core';
import {
  applyEvent,
  applyEvents,
  applyWake,
  createStartedRun,
  outcomeEvent,
  type AppliedEvent,
} from './apply-event.js';
import type { WorkSignal } from './work-signal.js';

/** Options of {@link RunDriver}. */
export interface RunDriverOptions {
  /**
   * Told when the runs waiting in a group could not be admitted after a run of the group
   * finished; the scheduler loop admits them later. By default the error is thrown.
   */
  readonly onAdmitError?: (error: unknown, group: ConcurrencyGroupRef) => void;
  /**
   * Told, and awaited, when an applied event finished a run (pipeline-completion
   * triggers). It must not throw.
   */
  readonly onRunFinished?: (runId: string, status: RunStatus) => Promise<void>;
  /**
   * Told when an applied event made approval tasks of a run wait for a decision (chat
   * approval requests). It must not throw, and should not hold the caller up.
   */
  readonly onApprovalsWaiting?: (runId: string, taskIds: readonly string[]) => void;
}

/**
 * Applies events to runs and wakes waiting claims when attempts were queued: what
 * routes and the scheduler loop use instead of calling {@link applyEvent} directly.
 * When a run of a concurrency group finishes, it admits the group's next waiting runs.
 */
export class RunDriver {
  /** Groups being admitted by this process, and whether to admit them once more after. */
  private readonly admitting = new Map<string, boolean>();

  constructor(
    private readonly store: ControlStore,
    private readonly work: WorkSignal,
    private readonly now: () => number,
    private readonly options: RunDriverOptions = {},
  ) {}

  async apply(runId: string, event: SchedulerEvent): Promise<AppliedEvent> {
    return this.settled(await applyEvent(this.store, runId, event, this.now()));
  }

  /**
   * Stores a run and starts it: a run outside any concurrency group is created and
   * started in one store transaction; a run of a group is stored waiting, then the group
   * admits whatever it has room for (see {@link RunDriver.startRun}). Returns the run as
   * stored afterwards.
   */
  async createRun(run: NewRun): Promise<RunRecord> {
    if (run.plan.concurrency?.group !== undefined) {
      const created = await this.store.createRun(run);
      await this.startRun(created);
      return (await this.store.getRun(created.id)) ?? created;
    }
    const started = await createStartedRun(this.store, run, this.now());
    await this.settled(started.applied);
    return started.run;
  }

  /**
   * Starts a stored run: applies `run_started`, or, for a run waiting in a concurrency
   * group, admits whatever the group has room for (this run, if it is next in line).
   */
  async startRun(run: RunRecord): Promise<void> {
    const group = run.plan.concurrency?.group;
    if (group !== undefined && run.status === RunStatus.Waiting) {
      await this.admitGroup({ projectId: run.projectId, group });
    } else {
      await this.apply(run.id, { type: 'run_started' });
    }
  }

  /** Applies an attempt outcome the store recorded and marks it applied. */
  applyOutcome(outcome: RecordedOutcome): Promise<AppliedEvent> {
    return this.applyOutcomes(outcome.runId, [outcome]);
  }

  /**
   * Applies outcomes the store recorded for attempts of one run, in their order, in one
   * change of the run, and marks them applied. The change is committed
   * {@link CommitSync.Later}: the outcomes were stored with a sync when the agent reported
   * them, and until this change is on disk they stay unapplied there, so the scheduler
   * loop applies them again after a power loss undid it. Anything the change let others
   * see that syncs (an agent's claim of an attempt it queued, an approval) takes it to the
   * disk first.
   */
  async applyOutcomes(runId: string, outcomes: readonly RecordedOutcome[]): Promise<AppliedEvent> {
    return this.settled(
      await applyEvents(this.store, runId, outcomes.map(outcomeEvent), this.now(), {
        applied: outcomes.map((outcome) => outcome.attemptId),
        sync: CommitSync.Later,
      }),
    );
  }

  /** Applies a due wake-up: a retry backoff that ended or the run's timeout. */
  async wake(runId: string): Promise<AppliedEvent> {
    return this.settled(await applyWake(this.store, runId, this.now()));
  }

  /*
   * Admission of a concurrency group: the store decides atomically which waiting runs
   * start and which superseded runs are to be cancelled; this applies the cancels (then
   * notes them applied) and starts the admitted runs. Whatever a crash leaves undone is
   * found again by the scheduler loop (`groupsToAdmit`, and admitted runs are `queued`).
   * Applying a cancel or a start can finish a run of the same group, which asks for its
   * admission again while this one is running: that request is folded into one more round
   * of the running admission instead of nesting.
   */
  async admitGroup(ref: ConcurrencyGroupRef): Promise<void> {
    const key = JSON.stringify([ref.projectId, ref.group]);
    if (this.admitting.has(key)) {
      this.admitting.set(key, true);
      return;
    }
    try {
      do {
        this.admitting.set(key, false);
        const { start, cancel } = await this.store.admitRuns(ref);
        for (const runId of cancel) await this.apply(runId, { type: 'cancel_requested' });
        if (cancel.length > 0) await this.store.clearPendingCancels(cancel);
        for (const runId of start) await this.apply(runId, { type: 'run_started' });
      } while (this.admitting.get(key) === true);
    } finally {
      this.admitting.delete(key);
    }
  }

  /**
   * What follows a change of a run made elsewhere (`ControlStore.finishAndClaim`): wakes
   * waiting claims for the attempts it queued, asks for approvals, tells of a finished run
   * and admits its concurrency group's next runs, as after a change made here.
   */
  async changed(applied: AppliedEvent): Promise<void> {
    await this.settled(applied);
  }

  private async settled(applied: AppliedEvent): Promise<AppliedEvent> {
    if (applied.queued > 0) this.work.notify();
    const waiting = applied.decisions.flatMap((d) =>
      d.type === 'task_status' && d.status === TaskStatus.Waiting ? [d.taskId] : [],
    );
    if (waiting.length > 0) this.options.onApprovalsWaiting?.(applied.runId, waiting);
    const finished = applied.decisions.find((d) => d.type === 'finish_run');
    if (finished !== undefined && this.options.onRunFinished !== undefined) {
      await this.options.onRunFinished(applied.runId, finished.status);
    }
    const group = applied.concurrencyGroup;
    if (group !== null && applied.decisions.some((d) => d.type === 'finish_run')) {
      const ref = { projectId: applied.projectId, group };
      try {
        await this.admitGroup(ref);
      } catch (error) {
        if (this.options.onAdmitError === undefined) throw error;
        this.options.onAdmitError(error, ref);
      }
    }
    return applied;
  }
}
