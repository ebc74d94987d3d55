import type { ControlStore } from '@slipway/core';

/*
 * A named store lease that this replica takes and keeps for a loop that runs often.
 * Taking or renewing it is a write (a commit) in the store, so a holder renews only once
 * half of the lease's length has passed since it last did; until then it still holds the
 * lease, since no other replica can take it before it lapses. A failed take forgets the
 * lease at once: the next pass asks the store again.
 */
export class LeaseKeeper {
  private heldUntil = Number.NEGATIVE_INFINITY;
  private lengthMs = 0;

  constructor(
    private readonly store: Pick<ControlStore, 'acquireLease'>,
    private readonly name: string,
    private readonly holder: string,
  ) {}

  /** Whether this replica holds the lease at `now`, taking or renewing it as needed. */
  async hold(now: number, lengthMs: number): Promise<boolean> {
    if (lengthMs === this.lengthMs && now < this.heldUntil - lengthMs / 2) return true;
    const until = now + lengthMs;
    const held = await this.store.acquireLease(this.name, this.holder, until, now);
    this.heldUntil = held ? until : Number.NEGATIVE_INFINITY;
    this.lengthMs = lengthMs;
    return held;
  }
}
