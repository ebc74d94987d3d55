import type { ControlStore, RecordedOutcome, SchedulerEvent } from '@slipway/core';
import { applyEvent, applyWake, type AppliedEvent } from './apply-event.js';
import type { WorkSignal } from './work-signal.js';

/**
 * Applies events to runs and wakes waiting claims when attempts were queued: what
 * routes and the scheduler loop use instead of calling {@link applyEvent} directly.
 */
export class RunDriver {
  constructor(
    private readonly store: ControlStore,
    private readonly work: WorkSignal,
    private readonly now: () => number,
  ) {}

  async apply(runId: string, event: SchedulerEvent): Promise<AppliedEvent> {
    return this.notified(await applyEvent(this.store, runId, event, this.now()));
  }

  /** Applies an attempt outcome the store recorded and marks it applied. */
  async applyOutcome(outcome: RecordedOutcome): Promise<AppliedEvent> {
    const event: SchedulerEvent = {
      type: 'attempt_finished',
      taskId: outcome.taskId,
      attempt: outcome.attempt,
      outcome: outcome.outcome,
      results: outcome.results,
      error: outcome.error,
    };
    return this.notified(
      await applyEvent(this.store, outcome.runId, event, this.now(), {
        applied: [outcome.attemptId],
      }),
    );
  }

  /** Applies a due wake-up: a retry backoff that ended or the run's timeout. */
  async wake(runId: string): Promise<AppliedEvent> {
    return this.notified(await applyWake(this.store, runId, this.now()));
  }

  private notified(applied: AppliedEvent): AppliedEvent {
    if (applied.queued > 0) this.work.notify();
    return applied;
  }
}
