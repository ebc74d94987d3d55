/**
 * Work started after a request was answered (Slack gets its acknowledgement first, the
 * outcome later), kept so that closing the server waits for it instead of cutting it off.
 * Work that would wait to try again (a post to Slack that failed) stops at `signal`,
 * which aborts when the server closes.
 */
export class BackgroundWork {
  private readonly pending = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  /** Aborts once {@link BackgroundWork.stop} was called. */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Starts `work`; a failure goes to `onError`, never to the caller. */
  start(work: () => Promise<void>, onError: (error: unknown) => void): void {
    const running = (async () => {
      try {
        await work();
      } catch (error) {
        onError(error);
      }
    })();
    this.pending.add(running);
    void running.finally(() => this.pending.delete(running));
  }

  /** Aborts {@link BackgroundWork.signal} and resolves once all work started has ended. */
  async stop(): Promise<void> {
    this.stopping.abort();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
