import {
  isUserError,
  MergeStatus,
  type ControlStore,
  type PullRequestMerge,
  type PullRequestRecord,
} from '@slipway/core';
import { ForgeCallError } from '../forges/forge-call-error.js';
import type { ProjectForges } from '../forges/project-forges.js';
import { PeriodicLoop } from '../loops/periodic-loop.js';
import type { AutoMerge } from './auto-merge.js';
import { MergeState } from './merge-decision.js';

/** How one due merge ended this time. */
export type MergeResult = 'merged' | 'retry' | 'failed' | 'dropped';

/** Options of {@link MergeLoop}. */
export interface MergeLoopOptions {
  readonly now: () => number;
  /** Time between passes (1 s by default). */
  readonly intervalMs?: number;
  /** How long a replica holds a merge it carries out (1 min by default). */
  readonly claimMs?: number;
  /** Merges carried out per pass (10 by default). */
  readonly batch?: number;
  /** The first retry's delay after a forge error; each next one doubles (5 s by default). */
  readonly retryMs?: number;
  /** The longest delay between retries (10 min by default). */
  readonly maxRetryMs?: number;
  /** Failed tries before the merge is given up (8 by default). */
  readonly maxAttempts?: number;
  /** Called before each call of the forge's merge API. */
  readonly onAttempt?: () => void;
  /** Called once per due merge with how it ended this time. */
  readonly onResult?: (result: MergeResult) => void;
  /** Called with what a pass or a merge could not do; the loop carries on. */
  readonly onError: (error: unknown) => void;
}

/*
 * Carries out the merges the auto-merge decision queued (the merge outbox: the `merge`
 * of each pull request record, due at its `nextAttemptAt`). Every replica runs the loop;
 * a replica takes a merge with a compare-and-set on its due time inside the record's
 * transaction, so one try of a merge runs at a time, and a replica that dies holding one
 * lets it become due again once the claim time passes.
 *
 * Check, then act: before calling the forge, the decision is made again from fresh
 * facts; a merge whose conditions no longer hold (a `/hold`, a new head, a red check) is
 * dropped with the reasons. The forge merges only while the head is the commit the checks
 * passed on (the `sha` guard). Server errors, 429 and network failures are retried with
 * exponential backoff; a 4xx answer (not mergeable, conflicts, the head moved) or
 * `maxAttempts` failures settle it `failed`, with a comment on the pull request that says
 * why, since only the user can fix it.
 */
export class MergeLoop {
  private readonly loop: PeriodicLoop;
  private halting = false;

  constructor(
    private readonly store: ControlStore,
    private readonly forges: ProjectForges,
    private readonly autoMerge: AutoMerge,
    private readonly options: MergeLoopOptions,
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

  /** Starts a pass now (a merge was queued). */
  wake(): void {
    this.loop.wake();
  }

  /** Stops starting passes and waits for the current one to end. */
  stop(): Promise<void> {
    this.halting = true;
    return this.loop.stop();
  }

  /** One pass: carries out the due merges; returns how many were taken. */
  async runOnce(): Promise<number> {
    const now = this.options.now();
    const due = await this.store.dueMerges(now, this.options.batch ?? 10);
    let taken = 0;
    for (const record of due) {
      if (this.halting) break;
      const merge = await this.claim(record, now);
      if (merge === null) continue;
      taken++;
      try {
        this.options.onResult?.(await this.carryOut(record, merge));
      } catch (error) {
        // The claim lapses and the merge is tried again.
        this.options.onError(error);
      }
    }
    return taken;
  }

  private async claim(record: PullRequestRecord, now: number): Promise<PullRequestMerge | null> {
    const seen = record.merge?.nextAttemptAt ?? null;
    let claimed: PullRequestMerge | null = null;
    await this.store.updatePullRequest(record.projectId, record.number, (current) => {
      const merge = current.merge;
      if (merge?.status !== MergeStatus.Queued || merge.nextAttemptAt !== seen) return current;
      claimed = { ...merge, nextAttemptAt: now + (this.options.claimMs ?? 60_000) };
      return { ...current, merge: claimed };
    });
    return claimed;
  }

  private async carryOut(record: PullRequestRecord, merge: PullRequestMerge): Promise<MergeResult> {
    const { projectId, number } = record;
    const { decision } = await this.autoMerge.status(projectId, number);
    if (decision.state === MergeState.Merged) {
      await this.settle(record, merge, MergeStatus.Merged, null, merge.attempts);
      return 'merged';
    }
    if (decision.state !== MergeState.Merging || decision.commit !== merge.commit) {
      const why =
        decision.reasons.length > 0 ? decision.reasons.join('; ') : 'a newer merge replaced it';
      await this.settle(record, merge, MergeStatus.Dropped, why, merge.attempts);
      return 'dropped';
    }
    const forge = await this.forges.clientFor(projectId);
    if (forge === null) {
      await this.settle(record, merge, MergeStatus.Dropped, 'the project reports to no forge', 0);
      return 'dropped';
    }
    try {
      this.options.onAttempt?.();
      await forge.client.mergePullRequest({ number, commit: merge.commit, method: merge.method });
      await this.settle(record, merge, MergeStatus.Merged, null, merge.attempts);
      return 'merged';
    } catch (error) {
      if (!isUserError(error)) throw error;
      const attempts = merge.attempts + 1;
      const transient = error instanceof ForgeCallError && error.transient;
      if (transient && attempts < (this.options.maxAttempts ?? 8)) {
        const delay = Math.min(
          this.options.maxRetryMs ?? 600_000,
          (this.options.retryMs ?? 5_000) * 2 ** (attempts - 1),
        );
        await this.settle(record, merge, MergeStatus.Queued, error.message, attempts, delay);
        return 'retry';
      }
      await this.settle(record, merge, MergeStatus.Failed, error.message, attempts);
      await forge.client
        .commentOnPullRequest(
          number,
          `Slipway: could not merge ${merge.commit.slice(0, 12)} (${merge.method}): ${error.message}. Fix it, then push a new commit or comment \`/approve\` to try again.`,
        )
        .catch((comment: unknown) => {
          this.options.onError(comment);
        });
      return 'failed';
    }
  }

  /** Records how a try ended, unless a newer merge replaced this one meanwhile. */
  private async settle(
    record: PullRequestRecord,
    merge: PullRequestMerge,
    status: MergeStatus,
    lastError: string | null,
    attempts: number,
    retryInMs?: number,
  ): Promise<void> {
    const now = this.options.now();
    await this.store.updatePullRequest(record.projectId, record.number, (current) => {
      if (current.merge?.commit !== merge.commit || current.merge.status !== MergeStatus.Queued) {
        return current;
      }
      return {
        ...current,
        merge: {
          ...current.merge,
          status,
          attempts,
          nextAttemptAt: retryInMs === undefined ? null : now + retryInMs,
          lastError,
          updatedAt: now,
        },
        updatedAt: now,
      };
    });
  }
}
