import type { ControlStore } from '@slipway/core';
import type { ArtifactFiles } from '../artifacts/artifact-files.js';
import { AGENT_FORGET_MS } from '../agents/agent-registry.js';
import { PeriodicLoop } from '../loops/periodic-loop.js';

const DAY_MS = 86_400_000;
const LEASE_NAME = 'retention';

/** Options of {@link RetentionLoop}. */
export interface RetentionOptions {
  /** Days the logs of a finished run are kept; 0 keeps them for ever. */
  readonly logRetentionDays: number;
  /** Days the artifacts of a finished run are kept; 0 keeps them for ever. */
  readonly artifactRetentionDays: number;
  /** Names this server among replicas, for the singleton lease. */
  readonly holder: string;
  readonly now: () => number;
  /** Time between passes (an hour by default). */
  readonly intervalMs?: number;
  /** Runs handled per query (100 by default). */
  readonly batch?: number;
  /** Called with what a pass could not do; the loop carries on. */
  readonly onError: (error: unknown) => void;
}

/** What one pass did. */
export interface RetentionReport {
  /** Whether this server held the `retention` lease and did the work. */
  readonly leader: boolean;
  /** Runs whose logs were deleted. */
  readonly logRuns: number;
  /** Runs whose artifacts were deleted. */
  readonly artifactRuns: number;
}

/*
 * Deletes what finished runs leave behind once it is older than the configured days:
 * log chunks, and artifact files with their records. One replica does it at a time, the
 * one holding the `retention` lease. A run's age is that of the newest run that still
 * uses its attempts (a retry keeps the succeeded tasks' attempts of the run it retries).
 * Agents not heard from for a week are forgotten too.
 * Artifact files of a run are removed before their records, so a crash in between only
 * leaves records the next pass removes again; a download in between finds no file (404).
 */
export class RetentionLoop {
  private readonly loop: PeriodicLoop;

  constructor(
    private readonly store: ControlStore,
    private readonly files: ArtifactFiles,
    private readonly options: RetentionOptions,
  ) {
    this.loop = new PeriodicLoop({
      intervalMs: options.intervalMs ?? 3_600_000,
      pass: () => this.runOnce(),
      onError: options.onError,
    });
  }

  /** Runs a pass now and then one every interval, until {@link stop}. */
  start(): void {
    this.loop.start();
  }

  /** Stops scheduling passes and waits for the current one to end. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass; see the comment above the class. */
  async runOnce(): Promise<RetentionReport> {
    const { store, files, options } = this;
    const batch = options.batch ?? 100;
    const now = options.now();
    const until = now + (options.intervalMs ?? 3_600_000);
    if (!(await store.acquireLease(LEASE_NAME, options.holder, until, now))) {
      return { leader: false, logRuns: 0, artifactRuns: 0 };
    }
    let logRuns = 0;
    if (options.logRetentionDays > 0) {
      const before = now - options.logRetentionDays * DAY_MS;
      for (;;) {
        const handled = await store.expireLogs(before, now, batch);
        logRuns += handled;
        if (handled < batch) break;
      }
    }
    let artifactRuns = 0;
    if (options.artifactRetentionDays > 0) {
      const before = now - options.artifactRetentionDays * DAY_MS;
      for (;;) {
        const runIds = await store.runsWithExpiredArtifacts(before, batch);
        for (const runId of runIds) await files.removeRun(runId);
        await store.forgetArtifacts(runIds, now);
        artifactRuns += runIds.length;
        if (runIds.length < batch) break;
      }
    }
    await files.removeAbandoned(now - DAY_MS);
    await store.deleteAgentsSeenBefore(now - AGENT_FORGET_MS);
    return { leader: true, logRuns, artifactRuns };
  }
}
