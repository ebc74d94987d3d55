import type { ControlStore, NewTriggerEvent, RecordedTriggerEvent } from '@slipway/core';

/** Events stored by one write at most. */
const MAX_BATCH = 200;

interface Waiting {
  readonly event: NewTriggerEvent;
  readonly resolve: (answer: RecordedTriggerEvent) => void;
  readonly reject: (error: unknown) => void;
}

/*
 * Stores trigger events with group commit: events that arrive while a write is in flight,
 * or in the same turn of the event loop, wait and are then stored together by the next
 * write, in one transaction. Each caller's promise settles only once the write holding
 * its event has committed, so a webhook is still answered only after it is stored.
 *
 * The first event of a group waits for `setImmediate`, not for a timer: SQLite's driver is
 * synchronous, so a write started at once would run to its commit before the other
 * requests read in the same turn (their signature checks finish together) got to call
 * `record`, and every group would hold one event. Waiting for the check phase lets the
 * whole turn's events join; an idle server adds no delay beyond that turn. A busy server
 * makes one commit (one fsync on SQLite) per group instead of one per delivery. A failed
 * write fails every event of its group.
 */
export class TriggerEventWriter {
  private queue: Waiting[] = [];
  private writing = false;
  private scheduled = false;

  constructor(private readonly store: ControlStore) {}

  /** Stores `event` (or finds it a replay), once a write holding it has committed. */
  record(event: NewTriggerEvent): Promise<RecordedTriggerEvent> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (this.writing || this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const answers = await this.store.recordTriggerEvents(batch.map((w) => w.event));
          batch.forEach((waiting, i) => {
            const answer = answers[i];
            if (answer === undefined) waiting.reject(new Error('the store answered no event'));
            else waiting.resolve(answer);
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
