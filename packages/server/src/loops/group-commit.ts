/** Items written by one write at most. */
const MAX_BATCH = 200;

interface Waiting<In, Out> {
  readonly item: In;
  readonly resolve: (answer: Out) => void;
  readonly reject: (error: unknown) => void;
}

/*
 * Group commit: items that arrive while a write is in flight, or in the same turn of the
 * event loop, wait and are then written together by the next write, in one transaction.
 * Each caller's promise settles only once the write holding its item has committed, so a
 * request is still answered only after what it brought is stored.
 *
 * The first item of a group waits for the check phase of the next turn of the event loop
 * (`setImmediate` twice), not for a timer. SQLite's driver is synchronous, so a write
 * started at once would run to its commit before the other requests read in the same
 * turn got to `add` theirs, and every group would hold one item; and the turn in between
 * reads the requests that arrived while this turn's were handled (on a busy server, those
 * the clients sent on getting the previous group's answers), so one group takes both
 * instead of each going to its own commit. Neither wait blocks on I/O: an idle server
 * adds no delay beyond the two turns. A busy server makes one commit (one fsync on
 * SQLite) per group instead of one per item. A failed write fails every item of its
 * group.
 */
export class GroupCommit<In, Out> {
  private queue: Waiting<In, Out>[] = [];
  private writing = false;
  private scheduled = false;

  /** `write` stores its items in one transaction and answers them in order. */
  constructor(private readonly write: (items: readonly In[]) => Promise<readonly Out[]>) {}

  /** Resolves with `item`'s answer once a write holding it has committed. */
  add(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.writing || this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        setImmediate(() => {
          this.scheduled = false;
          void this.flush();
        });
      });
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const answers = await this.write(batch.map((waiting) => waiting.item));
          batch.forEach((waiting, i) => {
            if (i < answers.length) waiting.resolve(answers[i] as Out);
            else waiting.reject(new Error('the store answered fewer items than it was given'));
          });
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
