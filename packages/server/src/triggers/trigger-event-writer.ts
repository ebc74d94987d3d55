import type { ControlStore, NewTriggerEvent, RecordedTriggerEvent } from '@slipway/core';

/** Events stored by one write at most. */
const MAX_BATCH = 200;

interface Waiting {
  readonly event: NewTriggerEvent;
  readonly resolve: (answer: RecordedTriggerEvent) => void;
  readonly reject: (error: unknown) => void;
}

/*
 * Stores trigger events with group commit: while one write is in flight, events that
 * arrive wait and are then stored together by the next write, in one transaction. Each
 * caller's promise settles only once the write holding its event has committed, so a
 * webhook is still answered only after it is stored. An idle server writes each event at
 * once (no timer, no added wait); a busy one makes one commit (one fsync on SQLite) per
 * batch instead of one per delivery. A failed write fails every event of its batch.
 */
export class TriggerEventWriter {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly store: ControlStore) {}

  /** Stores `event` (or finds it a replay), once a write holding it has committed. */
  record(event: NewTriggerEvent): Promise<RecordedTriggerEvent> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.writing) void this.flush();
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
