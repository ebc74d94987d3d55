import type { CommitStatusRecord } from '@slipway/core';
import { commitStateOf } from '../forges/commit-state-of.js';
import type { MergeCheck } from './merge-decision.js';

/** A check of a commit: the latest report of one pipeline there, with its run. */
export interface LatestCheck extends MergeCheck {
  readonly runId: string | null;
}

/** The latest report of each context among a commit's reports (listed oldest first). */
export function latestChecks(reports: readonly CommitStatusRecord[]): LatestCheck[] {
  const latest = new Map<string, LatestCheck>();
  for (const report of reports) {
    const { state, description } = commitStateOf(report.runStatus);
    latest.set(report.context, {
      context: report.context,
      state,
      description,
      runId: report.runId,
    });
  }
  return [...latest.values()];
}
