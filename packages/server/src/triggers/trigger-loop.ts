import type { ClaimedTriggerEvent, ControlStore } from '@slipway/core';
import { PeriodicLoop } from '../loops/periodic-loop.js';
import type { TriggerEventResult } from './process-trigger-event.js';

interface Handled {
  readonly event: ClaimedTriggerEvent;
  readonly result: TriggerEventResult;
}

/** Options of {@link TriggerLoop}. */
export interface TriggerLoopOptions {
  /** Names this server among replicas, in its claims. */
  readonly holder: string;
  readonly now: () => number;
  /** Time between looks for events stored through other replicas (1 s by default). */
  readonly intervalMs?: number;
  /** How long a claim lasts before another replica may take the event (5 min by default). */
  readonly claimMs?: number;
  /** Events claimed at once (50 by default). */
  readonly batch?: number;
  /**
   * How long after a pass the next starts when events were stored during it (5 ms by
   * default): while deliveries stream in, a pass then claims and settles many at once.
   */
  readonly againAfterMs?: number;
  /** Handles one event. */
  readonly process: (event: ClaimedTriggerEvent) => Promise<TriggerEventResult>;
  /** Called with each event's result once it is settled. */
  readonly onSettled: (event: ClaimedTriggerEvent, result: TriggerEventResult) => void;
  /** Called with what a pass could not do; the loop carries on. */
  readonly onError: (error: unknown) => void;
}

/*
 * Handles stored trigger events in the background. Every replica runs this loop: each
 * pass claims a batch of pending events (a claim is a lease, so replicas take disjoint
 * events, and an event whose replica died is taken again once its claim lapses),
 * handles them one at a time, and settles each with its result. A pass starts when
 * `wake` is called (a webhook was stored here) and every interval (events stored through
 * other replicas, lapsed claims). An event whose handling throws stays pending and is
 * claimed again after its claim lapses; settling checks that the event is still
 * pending, so a late replica changes nothing.
 */
export class TriggerLoop {
  private readonly loop: PeriodicLoop;

  constructor(
    private readonly store: ControlStore,
    private readonly options: TriggerLoopOptions,
  ) {
    this.loop = new PeriodicLoop({
      intervalMs: options.intervalMs ?? 1000,
      againAfterMs: options.againAfterMs ?? 5,
      pass: () => this.drain(),
      onError: options.onError,
    });
  }

  start(): void {
    this.loop.start({ now: true });
  }

  /** Starts a pass now, or right after the current one. */
  wake(): void {
    this.loop.wake();
  }

  /** Stops starting passes and waits for the current one to end. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * Claims and handles batches until a claim finds fewer events than a batch holds (none
   * were left then; events stored since come with a `wake`); returns how many events it
   * settled.
   */
  async drain(): Promise<number> {
    const size = this.options.batch ?? 50;
    let settled = 0;
    for (;;) {
      const batch = await this.runBatch(size);
      settled += batch.settled;
      if (batch.claimed < size || this.loop.stopped) return settled;
    }
  }

  /** Claims up to `size` pending events and handles them. */
  private async runBatch(size: number): Promise<{ claimed: number; settled: number }> {
    const { store, options } = this;
    const now = options.now();
    const events = await store.claimTriggerEvents(
      options.holder,
      now,
      now + (options.claimMs ?? 300_000),
      size,
    );
    let settled = 0;
    const deferred: Handled[] = [];
    const settle = async (handled: readonly Handled[]): Promise<void> => {
      const ids = new Set(
        await store.settleTriggerEvents(
          handled.map(({ event, result }) => ({
            id: event.id,
            status: result.status,
            outcome: result.outcome,
            runIds: result.runIds,
            processedAt: options.now(),
          })),
        ),
      );
      for (const { event, result } of handled) {
        if (!ids.has(event.id)) continue;
        settled++;
        options.onSettled(event, result);
      }
    };
    for (const event of events) {
      let result: TriggerEventResult;
      try {
        result = await options.process(event);
      } catch (error) {
        options.onError(error);
        continue;
      }
      // An event that started runs is settled at once, so that a crash cannot make it
      // start them again; one that changed nothing is settled with the rest of the batch.
      if (result.runIds.length > 0) await settle([{ event, result }]);
      else deferred.push({ event, result });
    }
    await settle(deferred);
    return { claimed: events.length, settled };
  }
}
