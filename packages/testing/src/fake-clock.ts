import { setImmediate as nextTurn } from 'node:timers/promises';

interface PendingTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when a test moves it; it has the shape of core's `Clock` port.
 * Timers fire in time order (then in the order they were set) during {@link advance} or
 * {@link runUntilSettled}, and between two timers the clock lets pending promise
 * callbacks and I/O run, so work started by one timer can set the next.
 */
export class FakeClock {
  private time: number;
  private seq = 0;
  private pending: PendingTimer[] = [];

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, callback: () => void): { cancel(): void } {
    const timer: PendingTimer = {
      at: this.time + Math.max(0, delayMs),
      seq: this.seq++,
      callback,
      cancelled: false,
    };
    this.pending.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const onAbort = () => {
        timer.cancel();
        resolve();
      };
      const timer = this.setTimer(delayMs, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Timers set and neither fired nor cancelled. */
  get pendingTimers(): number {
    return this.pending.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      const next = this.takeNext(target);
      if (!next) break;
      this.time = next.at;
      next.callback();
    }
    this.time = target;
    await settle();
  }

  /**
   * Waits for `promise`, jumping to the next timer whenever nothing else is left to do.
   * Throws when the promise is still pending after `maxTimers` timers have fired; a promise
   * that waits for something other than a timer keeps it waiting.
   */
  async runUntilSettled<T>(promise: Promise<T>, maxTimers = 10_000): Promise<T> {
    const outcome = { settled: false };
    const watched = promise.finally(() => {
      outcome.settled = true;
    });
    watched.catch(() => undefined);
    for (let fired = 0; ;) {
      await settle();
      if (outcome.settled) return await watched;
      const next = this.takeNext(Infinity);
      if (!next) {
        // Nothing is due on this clock; real I/O (files, processes) may still be under way.
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      if (++fired > maxTimers) throw new Error(`still pending after ${maxTimers} timers`);
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
  }

  private takeNext(limit: number): PendingTimer | undefined {
    this.pending = this.pending.filter((t) => !t.cancelled);
    let best: PendingTimer | undefined;
    for (const t of this.pending) {
      if (t.at > limit) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    if (best) this.pending.splice(this.pending.indexOf(best), 1);
    return best;
  }
}

/** Lets pending promise callbacks and already-finished I/O callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await nextTurn();
}
