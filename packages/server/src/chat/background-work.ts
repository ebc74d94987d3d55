/**
 * Work started after a request was answered (Slack gets its acknowledgement first, the
 * outcome later), kept so that closing the server waits for it instead of cutting it off.
 */
export class BackgroundWork {
  private readonly pending = new Set<Promise<void>>();

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

  /** Resolves once all work started so far has ended. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
