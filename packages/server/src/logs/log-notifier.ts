interface Watched {
  version: number;
  watchers: number;
  readonly waiters: Set<() => void>;
}

/** A follower's view of one attempt's new output; see {@link LogNotifier.watch}. */
export interface LogWatch {
  /** Changes whenever chunks of the attempt are stored by this process. */
  readonly version: number;
  /**
   * Resolves when chunks are stored after `seen` was read (at once if they were already),
   * after `ms`, when `signal` aborts or when the notifier closes. Never rejects.
   */
  wait(ms: number, signal: AbortSignal, seen: number): Promise<void>;
  /** Stops watching. */
  close(): void;
}

/**
 * Wakes log followers of an attempt as soon as this process stores its chunks. Chunks
 * stored through another server replica are not announced here: followers also poll.
 *
 * A follower reads {@link LogWatch.version} before it reads the store and passes it to
 * {@link LogWatch.wait}, so chunks stored between the read and the wait end the wait at
 * once instead of being missed until the next poll. Only watched attempts are tracked.
 */
export class LogNotifier {
  private readonly watched = new Map<string, Watched>();
  private closed = false;

  watch(attemptId: string): LogWatch {
    let entry = this.watched.get(attemptId);
    if (entry === undefined) {
      entry = { version: 0, watchers: 0, waiters: new Set() };
      this.watched.set(attemptId, entry);
    }
    entry.watchers += 1;
    const watched = entry;
    let open = true;
    return {
      get version() {
        return watched.version;
      },
      wait: (ms, signal, seen) => this.wait(watched, ms, signal, seen),
      close: () => {
        if (!open) return;
        open = false;
        watched.watchers -= 1;
        if (watched.watchers === 0) this.watched.delete(attemptId);
      },
    };
  }

  /** Announces that chunks of these attempts were stored. */
  notify(attemptIds: Iterable<string>): void {
    for (const attemptId of attemptIds) {
      const entry = this.watched.get(attemptId);
      if (entry !== undefined) wake(entry);
    }
  }

  /** Releases every waiter now and later: the server is stopping. */
  close(): void {
    this.closed = true;
    for (const entry of this.watched.values()) wake(entry);
  }

  private wait(entry: Watched, ms: number, signal: AbortSignal, seen: number): Promise<void> {
    if (this.closed || signal.aborted || ms <= 0 || entry.version !== seen) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        entry.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      entry.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function wake(entry: Watched): void {
  entry.version += 1;
  const waiters = [...entry.waiters];
  entry.waiters.clear();
  for (const done of waiters) done();
}
