import {
  isUserError,
  PollBreaker,
  TriggerSource,
  type ControlStore,
  type Project,
  type ProjectPoll,
} from '@slipway/core';
import { PeriodicLoop } from '../loops/periodic-loop.js';
import { GitError } from '../git/run-git.js';
import { listRemoteHeads } from './list-remote-heads.js';
import { changeDeliveryId, changePayload, pollChanges } from './poll-changes.js';

const LEASE_NAME = 'polls';

/** How one poll of a project ended. */
export const PollOutcome = {
  /** The first poll (or the first after a reset): the heads became the baseline. */
  Baseline: 'baseline',
  Unchanged: 'unchanged',
  /** New or moved heads became push events. */
  Changed: 'changed',
  /** More new or moved heads than the threshold: nothing started, the breaker opened. */
  Tripped: 'tripped',
  Failed: 'failed',
} as const;
export type PollOutcome = (typeof PollOutcome)[keyof typeof PollOutcome];

/** Options of {@link PollLoop}. */
export interface PollLoopOptions {
  /** Names this server among replicas, for the singleton lease. */
  readonly holder: string;
  readonly now: () => number;
  /** Time between looks for due polls (5 s by default). */
  readonly intervalMs?: number;
  /** A poll finding more new or moved heads than this opens the breaker (20 by default). */
  readonly breakerThreshold?: number;
  /** A number in [0, 1) for the jitter; `Math.random` by default. */
  readonly random?: () => number;
  /** Called after each poll with how it ended and how many heads were new or moved. */
  readonly onPolled: (project: Project, outcome: PollOutcome, changes: number) => void;
  /** Called once a pass stored new events, to wake whoever handles events. */
  readonly onStored: () => void;
  /** Called with a pass that failed; the loop carries on. */
  readonly onError: (error: unknown) => void;
}

/** What one pass did. */
export interface PollReport {
  readonly leader: boolean;
  /** Projects polled. */
  readonly polled: number;
  /** Push events stored. */
  readonly events: number;
}

/*
 * SCM polling for projects without webhooks. One replica at a time polls (the one
 * holding the `polls` lease). Each due project (breaker closed, next poll time passed)
 * is polled with `git ls-remote`; its next poll is its interval plus up to a tenth of it
 * of random jitter later, so projects with one interval spread out.
 *
 * - The first poll records the heads as the baseline and starts nothing.
 * - New or moved branch and tag heads become `push` trigger events (source `poll`) with
 *   a delivery id naming the ref and the move, then the heads are stored. A crash in
 *   between finds the same moves again; their delivery ids make them duplicates.
 * - More moves than the threshold in one poll (a force-push flood, a mirror gone wrong)
 *   store nothing, keep the old heads and open the breaker: the project is not polled
 *   again until an operator resets it (see `resetPollBreaker`).
 * - A poll that fails counts a failure and tries again at the next interval.
 */
export class PollLoop {
  private readonly loop: PeriodicLoop;

  constructor(
    private readonly store: ControlStore,
    private readonly options: PollLoopOptions,
  ) {
    this.loop = new PeriodicLoop({
      intervalMs: options.intervalMs ?? 5_000,
      pass: () => this.runOnce(),
      onError: options.onError,
    });
  }

  /** Runs a pass now and then one every interval, until {@link stop}. */
  start(): void {
    this.loop.start();
  }

  /** Starts a pass now, unless one is running (a poll became due at once). */
  wake(): void {
    if (!this.loop.running) this.loop.wake();
  }

  /** Stops scheduling passes and waits for the current one to end. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass; see the comment above the class. */
  async runOnce(): Promise<PollReport> {
    const { store, options } = this;
    const now = options.now();
    if (!(await store.acquireLease(LEASE_NAME, options.holder, now + 60_000, now))) {
      return { leader: false, polled: 0, events: 0 };
    }
    const due = (await store.listProjectPolls()).filter(
      (poll) => poll.breaker === PollBreaker.Closed && poll.nextPollAt <= now,
    );
    let polled = 0;
    let events = 0;
    for (const poll of due) {
      const project = await store.findProject(poll.projectId);
      if (project === null) continue;
      events += await this.pollProject(project, poll, now);
      polled++;
    }
    if (events > 0) options.onStored();
    return { leader: true, polled, events };
  }

  private async pollProject(project: Project, poll: ProjectPoll, now: number): Promise<number> {
    const { store, options } = this;
    const jitter = Math.floor((options.random ?? Math.random)() * poll.intervalMs * 0.1);
    const base = {
      projectId: poll.projectId,
      nextPollAt: now + poll.intervalMs + jitter,
      lastPolledAt: now,
      breaker: PollBreaker.Closed,
      breakerReason: null,
      breakerOpenedAt: null,
    };
    let heads: Record<string, string>;
    try {
      heads = await listRemoteHeads(project.source);
    } catch (error) {
      if (!(error instanceof GitError) && !isUserError(error)) throw error;
      const reason = error instanceof GitError ? error.reason : error.message;
      await store.savePollResult({
        ...base,
        heads: poll.heads,
        failures: poll.failures + 1,
        lastError: `git ls-remote failed: ${reason}`,
      });
      options.onPolled(project, PollOutcome.Failed, 0);
      return 0;
    }
    const ok = { ...base, failures: 0, lastError: null };
    if (poll.heads === null) {
      await store.savePollResult({ ...ok, heads });
      options.onPolled(project, PollOutcome.Baseline, 0);
      return 0;
    }
    const changes = pollChanges(poll.heads, heads);
    const threshold = options.breakerThreshold ?? 20;
    if (changes.length > threshold) {
      await store.savePollResult({
        ...ok,
        heads: poll.heads,
        breaker: PollBreaker.Open,
        breakerReason: `one poll found ${changes.length} new or moved branch and tag heads (more than ${threshold}); nothing was started`,
        breakerOpenedAt: now,
      });
      options.onPolled(project, PollOutcome.Tripped, changes.length);
      return 0;
    }
    const recorded = await store.recordTriggerEvents(
      changes.map((change) => ({
        projectId: project.id,
        source: TriggerSource.Poll,
        deliveryId: changeDeliveryId(change),
        kind: 'push',
        payload: JSON.stringify(changePayload(change)),
        receivedAt: now,
      })),
    );
    const stored = recorded.filter((answer) => !answer.duplicate).length;
    await store.savePollResult({ ...ok, heads });
    options.onPolled(
      project,
      changes.length > 0 ? PollOutcome.Changed : PollOutcome.Unchanged,
      changes.length,
    );
    return stored;
  }
}

/**
 * Closes a project's breaker: the next poll, due at once, takes the remote's heads as
 * they are then as the new baseline, so the moves that opened it start nothing.
 */
export async function resetPollBreaker(
  store: ControlStore,
  poll: ProjectPoll,
  now: number,
): Promise<void> {
  await store.savePollResult({
    projectId: poll.projectId,
    nextPollAt: now,
    heads: null,
    breaker: PollBreaker.Closed,
    breakerReason: null,
    breakerOpenedAt: null,
    failures: poll.failures,
    lastError: poll.lastError,
    lastPolledAt: poll.lastPolledAt,
  });
}
