import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long synchronous work may hold the event loop before it lets other work in. */
const SLICE_MS = 2;

/*
 * Small file operations (an attempt's folder, its checkout, their removal) take
 * microseconds as synchronous calls; through the thread pool each costs a trip there and
 * back, many times as long, and more processor time in all. Long runs of
 * synchronous calls (a large checkout, the removal of a big build tree) give the event
 * loop a turn every couple of milliseconds, so that heartbeats, claims and log batches
 * are not held up.
 */

/** Lets the event loop in whenever the current slice of synchronous work has run long. */
export class TimeSlices {
  private sliceStart = performance.now();

  /** Resolves at once while the slice is short; otherwise after the event loop had a turn. */
  async pause(): Promise<void> {
    if (performance.now() - this.sliceStart < SLICE_MS) return;
    await nextTurn();
    this.sliceStart = performance.now();
  }
}
