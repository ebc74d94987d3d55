/**
 * Wakes waiting claims when attempts are queued in this process. Claims also poll, so
 * work queued by another server replica is found within the poll interval.
 *
 * A claim reads {@link version} before it looks for work and passes it to {@link wait}:
 * work queued between the look and the wait then ends the wait at once instead of being
 * missed until the next poll.
 */
export class WorkSignal {
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private counter = 0;

  /** Changes on every {@link notify}. */
  get version(): number {
    return this.counter;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Wakes every waiter. */
  notify(): void {
    this.counter++;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Resolves on the next {@link notify} (or at once if one happened since `seen`), after
   * `ms`, when `signal` aborts or when the signal is closed. Never rejects.
   */
  wait(ms: number, signal?: AbortSignal, seen?: number): Promise<void> {
    if (this.closed || signal?.aborted || ms <= 0) return Promise.resolve();
    if (seen !== undefined && seen !== this.counter) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Releases every waiter now and later: the server is stopping. */
  close(): void {
    this.closed = true;
    this.notify();
  }
}
