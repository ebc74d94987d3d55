import { RunStatus, type ControlStore, type RecordedOutcome } from '@slipway/core';
import { PeriodicLoop } from '../loops/periodic-loop.js';
import { LeaseKeeper } from '../loops/lease-keeper.js';
import type { RunDriver } from './run-driver.js';
import type { TaskDeadlines } from './task-deadlines.js';

/** Options of {@link SchedulerLoop}. */
export interface SchedulerLoopOptions {
  /** Time between passes when nothing wakes the loop. */
  readonly intervalMs: number;
  /** Names this server among replicas, for the singleton lease. */
  readonly holder: string;
  readonly now: () => number;
  /** Called with what a pass could not do; the loop carries on. */
  readonly onError: (error: unknown, what: string) => void;
  /** Items handled per query. */
  readonly batch?: number;
  /** Told how many attempts a pass marked lost (their leases lapsed). */
  readonly onAttemptsLost?: (count: number) => void;
  /** Told of each recorded outcome a pass applied, when it changed its run (the first time). */
  readonly onOutcomeApplied?: (outcome: RecordedOutcome) => void;
  /** Ends attempts that ran past their task's timeout; none are ended without it. */
  readonly deadlines?: TaskDeadlines;
}

/** What one pass did. */
export interface PassReport {
  readonly leader: boolean;
  readonly expired: number;
  /** Attempts ended because they ran past their task's timeout. */
  readonly timedOut: number;
  readonly started: number;
  /** Concurrency groups whose waiting runs were admitted. */
  readonly admitted: number;
  readonly outcomes: number;
  readonly woken: number;
}

const LEASE_NAME = 'scheduler';
const MAX_OUTCOME_BATCHES = 20;

/*
 * The durable half of the scheduler. Everything it acts on is in the store, so a pass
 * after a crash does what the crashed process left undone:
 *
 * - outcomes agents reported (or leases that lapsed) are applied to their runs, those of
 *   one run in one change of it (one transaction, one commit); this
 *   runs on every replica, since applying an outcome twice changes nothing the second
 *   time (the scheduler ignores an outcome for an attempt that is no longer running);
 * - only the replica holding the `scheduler` lease expires leases, ends attempts that
 *   ran past their task's timeout (see `TaskDeadlines`), starts runs left
 *   queued (created, then the process died before starting them), admits the waiting
 *   runs of concurrency groups with room (their admission after a run finished was
 *   lost) and applies due wake-ups (retry backoffs, run timeouts).
 *
 * The lease is renewed only once half of it has passed (see `LeaseKeeper`): passes come
 * with every reported outcome, and a renewal is a commit. For the same reason a pass
 * that a wake-up started (an outcome reported, say) leaves the leader's recovery work
 * (lapsed leases, task timeouts, runs left queued, groups to admit) alone when it was
 * done less than `intervalMs` before: it is about seconds, not about the outcome.
 *
 * Passes never overlap: a wake-up during a pass schedules one more pass right after it.
 */
export class SchedulerLoop {
  private readonly loop: PeriodicLoop;
  private readonly batch: number;
  private readonly lease: LeaseKeeper;
  private recoveredAt = -Infinity;

  constructor(
    private readonly store: ControlStore,
    private readonly driver: RunDriver,
    private readonly options: SchedulerLoopOptions,
  ) {
    this.batch = options.batch ?? 100;
    this.lease = new LeaseKeeper(store, LEASE_NAME, options.holder);
    this.loop = new PeriodicLoop({
      intervalMs: options.intervalMs,
      pass: () => this.runOnce({ recoveryAtMostEvery: options.intervalMs }),
      onError: (error) => {
        options.onError(error, 'scheduler pass');
      },
    });
  }

  start(): void {
    this.loop.start({ now: true });
  }

  /** Runs a pass as soon as possible (after the current one, if any). */
  wake(): void {
    this.loop.wake();
  }

  /** Stops scheduling passes and waits for the current one to end. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * One pass; see the comment above the class. The leader's recovery work is done unless
   * it was done less than `recoveryAtMostEvery` ms before (by default it is always done).
   */
  async runOnce(pass: { readonly recoveryAtMostEvery?: number } = {}): Promise<PassReport> {
    const { store, driver, options } = this;
    const now = options.now();
    const leaseMs = Math.max(3 * options.intervalMs, 5_000);
    const leader = await this.lease.hold(now, leaseMs);
    let expired = 0;
    let timedOut = 0;
    let started = 0;
    let admitted = 0;
    const recover = leader && now - this.recoveredAt >= (pass.recoveryAtMostEvery ?? 0);
    if (recover) {
      this.recoveredAt = now;
      expired = (await store.expireLeases(now)).length;
      options.onAttemptsLost?.(expired);
      if (options.deadlines) timedOut = (await options.deadlines.enforce(now)).length;
      const queued = await store.listRuns({ status: RunStatus.Queued, limit: this.batch });
      for (const run of queued) {
        await this.guard(`start run ${run.id}`, () => driver.startRun(run));
        started++;
      }
      for (const group of await store.groupsToAdmit(this.batch)) {
        await this.guard(`admit runs of group ${group.group}`, () => driver.admitGroup(group));
        admitted++;
      }
    }
    let outcomes = 0;
    for (let batch = 0; batch < MAX_OUTCOME_BATCHES; batch++) {
      const recorded = await store.unappliedOutcomes(this.batch);
      for (const [runId, ofRun] of byRun(recorded)) {
        await this.guard(`apply outcomes of run ${runId}`, async () => {
          const applied = await driver.applyOutcomes(runId, ofRun);
          ofRun.forEach((outcome, i) => {
            if ((applied.decisionsPerEvent[i] ?? 0) > 0) options.onOutcomeApplied?.(outcome);
          });
        });
        outcomes += ofRun.length;
      }
      if (recorded.length < this.batch) break;
    }
    let woken = 0;
    if (leader) {
      for (const runId of await store.dueRuns(options.now(), this.batch)) {
        await this.guard(`wake run ${runId}`, () => driver.wake(runId));
        woken++;
      }
    }
    return { leader, expired, timedOut, started, admitted, outcomes, woken };
  }

  private async guard(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.options.onError(error, what);
    }
  }
}

/** Outcomes grouped by run, each group in the order given. */
function byRun(outcomes: readonly RecordedOutcome[]): Map<string, RecordedOutcome[]> {
  const groups = new Map<string, RecordedOutcome[]>();
  for (const outcome of outcomes) {
    const group = groups.get(outcome.runId);
    if (group === undefined) groups.set(outcome.runId, [outcome]);
    else group.push(outcome);
  }
  return groups;
}
