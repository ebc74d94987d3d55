import { performance } from 'node:perf_hooks';

/** A timer set with {@link Clock.setTimer}. */
export interface Timer {
  /** Prevents the callback if it has not run yet; harmless afterwards. */
  cancel(): void;
}

/**
 * Time as the engine sees it. Code that waits or measures goes through a Clock so that
 * tests can drive time by hand.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now. */
  setTimer(delayMs: number, callback: () => void): Timer;
  /** Resolves `delayMs` from now, or as soon as `signal` aborts (it never rejects). */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  // performance.now() does not jump when the wall clock is adjusted, so durations
  // measured with this clock stay true.
  now: () => performance.timeOrigin + performance.now(),
  setTimer(delayMs, callback) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return {
      cancel: () => {
        clearTimeout(handle);
      },
    };
  },
  sleep(delayMs, signal) {
    return new Promise((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(handle);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const handle = setTimeout(done, Math.max(0, delayMs));
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};
