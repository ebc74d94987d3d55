import {
  CommitState,
  isRunFinished,
  isUserError,
  RunStatus,
  type ControlStore,
  type DueCommitStatus,
} from '@slipway/core';
import { PeriodicLoop } from '../loops/periodic-loop.js';
import { commitStateOf } from './commit-state-of.js';
import { ForgeCallError } from './forge-call-error.js';
import type { ProjectForges } from './project-forges.js';

/** What a skipped pipeline is recorded as once delivered. */
const SKIPPED = 'skipped';
/** What the first delivery of a run not finished is recorded as: it said pending. */
const CREATED = 'created';

/** Options of {@link CommitStatusLoop}. */
export interface CommitStatusLoopOptions {
  readonly now: () => number;
  /** Time between passes (1 s by default). */
  readonly intervalMs?: number;
  /** How long a replica holds a row it delivers (1 min by default). */
  readonly claimMs?: number;
  /** Rows delivered per pass (20 by default). */
  readonly batch?: number;
  /** The first retry's delay after a failed delivery; each next one doubles (5 s by default). */
  readonly retryMs?: number;
  /** The longest delay between retries (10 min by default). */
  readonly maxRetryMs?: number;
  /** Failed deliveries of one state before it is given up (12 by default). */
  readonly maxAttempts?: number;
  /** Called once per delivery: `delivered`, `retry` or `abandoned`. */
  readonly onDelivery?: (result: 'delivered' | 'retry' | 'abandoned') => void;
  /** Called with what a pass or a delivery could not do; the loop carries on. */
  readonly onError: (error: unknown) => void;
}

/*
 * Delivers commit statuses from the outbox. A row stands for one run (or one skipped
 * pipeline) and is due while the run's status differs from the status last delivered,
 * so the state reported is always read from the run itself: a status change is never
 * lost, even when the server stops between the change and its delivery, and states the
 * forge missed are skipped over (only the latest is sent). Every replica runs the loop;
 * a replica takes a row with a compare-and-set on its next attempt time, so one delivery
 * of a row runs at a time, and a replica that dies holding a row lets it become due
 * again once the claim time passes.
 *
 * A failed delivery never touches the run. Network failures, server errors and 429 are
 * retried with exponential backoff; a 4xx answer, or `maxAttempts` failures, gives the
 * state up (recorded with the error) until the run's status changes again. Once a final
 * state is delivered the row is done.
 */
export class CommitStatusLoop {
  private readonly loop: PeriodicLoop;
  /** Set by {@link CommitStatusLoop.stop}: a pass ends after the delivery in flight. */
  private halting = false;

  constructor(
    private readonly store: ControlStore,
    private readonly forges: ProjectForges,
    private readonly options: CommitStatusLoopOptions,
  ) {
    this.loop = new PeriodicLoop({
      intervalMs: options.intervalMs ?? 1000,
      pass: () => this.runOnce(),
      onError: options.onError,
    });
  }

  start(): void {
    if (!this.loop.stopped) return;
    this.halting = false;
    this.loop.start();
  }

  /** Stops starting passes and waits for the current one to end. */
  stop(): Promise<void> {
    this.halting = true;
    return this.loop.stop();
  }

  /** One pass: delivers the due rows; returns how many deliveries were tried. */
  async runOnce(): Promise<number> {
    const { store, options } = this;
    const now = options.now();
    const due = await store.dueCommitStatuses(now, options.batch ?? 20);
    let tried = 0;
    for (const row of due) {
      if (this.halting) break;
      const taken = await store.claimCommitStatus(
        row.id,
        row.nextAttemptAt,
        now + (options.claimMs ?? 60_000),
      );
      if (!taken) continue;
      tried++;
      await this.deliver(row);
    }
    return tried;
  }

  private async deliver(row: DueCommitStatus): Promise<void> {
    const { store, options } = this;
    // A run is `running` as soon as it starts, so its first status says pending on its
    // own (recorded as `created`), and the next pass reports the run's status.
    const first = row.reported === null && row.runStatus === RunStatus.Running;
    const delivering = first ? CREATED : (row.runStatus ?? SKIPPED);
    const final = row.runStatus === null || isRunFinished(row.runStatus);
    const settled = (nextAttemptAt: number | null) => (final ? null : nextAttemptAt);
    try {
      const forge = await this.forges.clientFor(row.projectId);
      if (forge === null) {
        await store.settleCommitStatus({
          id: row.id,
          reported: delivering,
          attempts: 0,
          nextAttemptAt: null,
          lastError: 'the project has no forge settings',
        });
        return;
      }
      const { state, description } = first
        ? { state: CommitState.Pending, description: 'queued' }
        : commitStateOf(row.runStatus);
      await forge.client.setCommitStatus({
        commit: row.commit,
        state,
        context: row.context,
        description,
        ...(row.targetUrl !== null ? { targetUrl: row.targetUrl } : {}),
      });
      await store.settleCommitStatus({
        id: row.id,
        reported: delivering,
        attempts: 0,
        nextAttemptAt: settled(options.now()),
        lastError: null,
      });
      options.onDelivery?.('delivered');
    } catch (error) {
      if (!isUserError(error)) options.onError(error);
      const attempts = row.attempts + 1;
      const message = error instanceof Error ? error.message : String(error);
      const transient = !(error instanceof ForgeCallError) || error.transient;
      if (transient && attempts < (options.maxAttempts ?? 12)) {
        const delay = Math.min(
          options.maxRetryMs ?? 600_000,
          (options.retryMs ?? 5_000) * 2 ** (attempts - 1),
        );
        await store.settleCommitStatus({
          id: row.id,
          reported: row.reported,
          attempts,
          nextAttemptAt: options.now() + delay,
          lastError: message,
        });
        options.onDelivery?.('retry');
        return;
      }
      await store.settleCommitStatus({
        id: row.id,
        reported: delivering,
        attempts: 0,
        nextAttemptAt: settled(options.now()),
        lastError: message,
      });
      options.onDelivery?.('abandoned');
    }
  }
}
