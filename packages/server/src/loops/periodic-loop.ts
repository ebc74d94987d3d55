/** Options of {@link PeriodicLoop}. */
export interface PeriodicLoopOptions {
  /** Time between the end of a pass and the start of the next one. */
  readonly intervalMs: number;
  /**
   * When woken during a pass, how long after its end the next pass starts (0 by default:
   * at once). Under a stream of wakes each pass then finds more work, which it can do in
   * fewer transactions; a wake while no pass runs still starts one at once.
   */
  readonly againAfterMs?: number;
  /** One pass; what it returns is ignored. */
  readonly pass: () => Promise<unknown>;
  /** Called with a pass that threw; the loop carries on with the next one. */
  readonly onError: (error: unknown) => void;
}

/*
 * Runs a pass in the background, again and again, with `intervalMs` between the end of
 * one pass and the start of the next, until stopped.
 *
 * - One pass at a time: a pass starts only when none is running. `wake` during a pass
 *   asks for one more pass right after it, or `againAfterMs` after it (several wakes
 *   still make one pass, and wakes while it waits to start add nothing); `wake` with no
 *   pass running or due cancels the timer and starts a pass at once.
 * - A pass that throws is reported to `onError`; the next one is scheduled as usual.
 * - `stop` cancels the timer, lets no new pass start and waits for the running pass to
 *   end (a pass that should end early checks `stopped` itself).
 * - The timer is unref'd: a loop alone never keeps the process alive.
 *
 * Singleton work (one replica at a time) is not decided here but inside each pass: the
 * pass takes a named store lease (`ControlStore.acquireLease`) that lasts longer than
 * the interval and is renewed by every pass of the holder, and does nothing when another
 * replica holds it. So the work moves to another replica only once the holder has
 * stopped renewing for the lease's length, and passes called directly (tests, `runOnce`)
 * obey the same lease.
 */
export class PeriodicLoop {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private again = false;
  /** A pass asked for during the last one is due after `againAfterMs`. */
  private due = false;
  private isStopped = true;

  constructor(private readonly options: PeriodicLoopOptions) {}

  /** Whether the loop is not started (or was stopped). */
  get stopped(): boolean {
    return this.isStopped;
  }

  /** Whether a pass is running. */
  get running(): boolean {
    return this.pass !== null;
  }

  /**
   * Starts the loop (nothing when it runs already): the first pass starts at once with
   * `{ now: true }`, otherwise on the next turn of the event loop.
   */
  start(options: { readonly now?: boolean } = {}): void {
    if (!this.isStopped) return;
    this.isStopped = false;
    if (options.now === true) this.wake();
    else this.schedule(0);
  }

  /** Starts a pass now, or right after the current one. */
  wake(): void {
    if (this.isStopped || this.due) return;
    if (this.pass !== null) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pass = this.options
      .pass()
      .then(
        () => undefined,
        (error: unknown) => {
          this.options.onError(error);
        },
      )
      .finally(() => {
        this.pass = null;
        if (this.isStopped) return;
        if (this.again) {
          this.again = false;
          const after = this.options.againAfterMs ?? 0;
          if (after <= 0) this.wake();
          else {
            this.due = true;
            this.schedule(after);
          }
          return;
        }
        this.schedule(this.options.intervalMs);
      });
  }

  /** Stops starting passes and waits for the current one to end. */
  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.due = false;
    await this.pass;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.due = false;
      this.wake();
    }, delayMs);
    this.timer.unref();
  }
}
