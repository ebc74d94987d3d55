import type { ClaimedAttempt, ControlStore, FinishAndClaim, RecordedOutcome } from '@slipway/core';
import { GroupCommit } from '../loops/group-commit.js';
import { outcomesChange } from '../scheduler/apply-event.js';
import type { RunDriver } from '../scheduler/run-driver.js';

/** What became of one reported end, and the attempts the claim made with it got. */
export interface AttemptEndAnswer {
  readonly accepted: boolean;
  readonly claimed: readonly ClaimedAttempt[];
}

/** What {@link attemptEnds} works with. */
export interface AttemptEndsContext {
  readonly store: ControlStore;
  readonly driver: RunDriver;
  readonly now: () => number;
  /** Told of each outcome applied that changed its run. */
  readonly onOutcomeApplied?: (outcome: RecordedOutcome) => void;
  /**
   * Told, once the ends are recorded alone, why they could not be applied with the
   * claims: the scheduler loop applies them (and reports why it cannot).
   */
  readonly onApplyError: (error: unknown) => void;
  /** Asked to apply recorded outcomes soon (after the fallback above). */
  readonly wakeScheduler: () => void;
}

/*
 * Attempt ends reported together (see GroupCommit) are recorded, applied to their runs
 * and followed by the claims that came with them in one store transaction, with one sync
 * (`ControlStore.finishAndClaim`): the next task of a chain is queued and handed to the
 * agent that reported the end in the same commit, and the scheduler loop has nothing to
 * apply. Should applying fail (a bug, or a run that cannot take the outcome), the ends are
 * recorded alone, as before the claims were made with them, and the scheduler loop applies
 * them, or reports the problem, at its next pass; those claims get nothing.
 */
export function attemptEnds(
  context: AttemptEndsContext,
): GroupCommit<FinishAndClaim, AttemptEndAnswer> {
  return new GroupCommit(async (items: readonly FinishAndClaim[]) => {
    const { store, driver } = context;
    let done;
    try {
      done = await store.finishAndClaim(items, (outcomes) =>
        outcomesChange(outcomes, context.now()),
      );
    } catch (error) {
      const accepted = [];
      for (const item of items) accepted.push(await store.finishAttempt(item.finish));
      context.onApplyError(error);
      context.wakeScheduler();
      return accepted.map((ok) => ({ accepted: ok, claimed: [] }));
    }
    for (const { outcomes, result } of done.applied) {
      outcomes.forEach((outcome, i) => {
        if ((result.decisionsPerEvent[i] ?? 0) > 0) context.onOutcomeApplied?.(outcome);
      });
      await driver.changed(result);
    }
    return items.map((_item, i) => ({
      accepted: done.accepted[i] === true,
      claimed: done.claimed[i] ?? [],
    }));
  });
}
