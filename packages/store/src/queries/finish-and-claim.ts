import type {
  FinishAndClaim,
  FinishedAndClaimed,
  RecordedOutcome,
  RunSnapshot,
  RunUpdate,
} from '@slipway/core';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';
import { claimAttemptsWithin } from './claim-attempts.js';
import { finishAttemptsWithin } from './finish-attempts.js';
import { updateRunWithin } from './update-run.js';

/**
 * Records the ends, applies the accepted ones to their runs (one change per run, runs in
 * the order of their ids, so that concurrent callers lock them in the same order on
 * PostgreSQL) and makes the claims, in one transaction committed with a sync.
 */
export function finishAndClaim<T>(
  ctx: StoreContext,
  items: readonly FinishAndClaim[],
  apply: (outcomes: readonly RecordedOutcome[]) => (current: RunSnapshot) => RunUpdate<T>,
): Promise<FinishedAndClaimed<T>> {
  if (items.length === 0) return Promise.resolve({ accepted: [], claimed: [], applied: [] });
  return writeTransaction(ctx, async (trx) => {
    const recorded = await finishAttemptsWithin(
      trx,
      items.map((item) => item.finish),
    );
    const byRun = new Map<string, RecordedOutcome[]>();
    for (const outcome of recorded) {
      if (outcome === null) continue;
      const ofRun = byRun.get(outcome.runId);
      if (ofRun === undefined) byRun.set(outcome.runId, [outcome]);
      else ofRun.push(outcome);
    }
    const applied: { outcomes: readonly RecordedOutcome[]; result: T }[] = [];
    for (const runId of [...byRun.keys()].sort()) {
      const outcomes = byRun.get(runId) ?? [];
      applied.push({ outcomes, result: await updateRunWithin(ctx, trx, runId, apply(outcomes)) });
    }
    const claimed = [];
    for (const item of items) {
      claimed.push(item.claim === null ? [] : await claimAttemptsWithin(ctx, trx, item.claim));
    }
    return { accepted: recorded.map((outcome) => outcome !== null), claimed, applied };
  });
}
