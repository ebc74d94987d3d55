import { scheduleKey, TriggerSource, type ControlStore, type PipelineCatalog } from '@slipway/core';
import { PeriodicLoop } from '../loops/periodic-loop.js';
import { dueTicks, tickDeliveryId, type DueTick } from './due-ticks.js';
import type { CatalogContext } from './read-pipeline-catalog.js';
import { refreshProjectCatalog } from './refresh-project-catalog.js';

const LEASE_NAME = 'schedules';

/** Options of {@link ScheduleLoop}. */
export interface ScheduleLoopOptions {
  /** Names this server among replicas, for the singleton lease. */
  readonly holder: string;
  readonly now: () => number;
  /** Time between passes (15 s by default): how late a tick may fire. */
  readonly intervalMs?: number;
  /** Time between reads of each project's default branch (5 min by default). */
  readonly refreshMs?: number;
  readonly catalogs: CatalogContext;
  /** Called for each tick recorded, with whether it was recorded before. */
  readonly onTick: (tick: DueTick, duplicate: boolean) => void;
  /** Called once a pass stored new events, to wake whoever handles events. */
  readonly onStored: () => void;
  /** Called when a project's pipelines could not be read; its old catalog stays. */
  readonly onCatalogError: (error: unknown, project: string) => void;
  /** Called with a pass that failed; the loop carries on. */
  readonly onError: (error: unknown) => void;
}

/** What one pass did. */
export interface ScheduleReport {
  /** Whether this server held the `schedules` lease and did the work. */
  readonly leader: boolean;
  /** Catalogs read again because the default branch moved (or was never read). */
  readonly refreshed: number;
  /** Ticks recorded as new trigger events. */
  readonly fired: number;
}

/*
 * Fires cron ticks. One replica at a time does it, the one holding the `schedules` lease
 * (renewed each pass). A pass:
 *
 * 1. every `refreshMs`, reads each project's default branch head and, when it moved,
 *    the pipelines there, storing what they listen to (the pipeline catalog);
 * 2. decides the due ticks from the catalogs and the stored marks (see `dueTicks`);
 * 3. records each due tick as a trigger event whose delivery id names the pipeline,
 *    schedule and scheduled time, then moves the schedule's mark to that time.
 *
 * A tick fires at most once even if two replicas both believe they lead (a lease that
 * lapsed mid-pass): the second recording of a delivery id is a duplicate and stores
 * nothing. A crash between recording and moving the mark records the same delivery id
 * again on the next pass, also a duplicate. The trigger loop then handles tick events
 * like any other.
 */
export class ScheduleLoop {
  private refreshedAt: number | null = null;

  private readonly loop: PeriodicLoop;

  constructor(
    private readonly store: ControlStore,
    private readonly options: ScheduleLoopOptions,
  ) {
    this.loop = new PeriodicLoop({
      intervalMs: options.intervalMs ?? 15_000,
      pass: () => this.runOnce(),
      onError: options.onError,
    });
  }

  /** Runs a pass now and then one every interval, until {@link stop}. */
  start(): void {
    this.loop.start();
  }

  /** Stops scheduling passes and waits for the current one to end. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * Reads every project's catalog now, whatever `refreshMs` says (safe on any replica:
   * storing a catalog twice is harmless); returns how many changed.
   */
  refresh(): Promise<number> {
    return this.refreshCatalogs(this.options.now());
  }

  /** One pass; see the comment above the class. */
  async runOnce(): Promise<ScheduleReport> {
    const { store, options } = this;
    const intervalMs = options.intervalMs ?? 15_000;
    const now = options.now();
    const until = now + Math.max(3 * intervalMs, 60_000);
    if (!(await store.acquireLease(LEASE_NAME, options.holder, until, now))) {
      this.refreshedAt = null;
      return { leader: false, refreshed: 0, fired: 0 };
    }
    let refreshed = 0;
    if (this.refreshedAt === null || now - this.refreshedAt >= (options.refreshMs ?? 300_000)) {
      refreshed = await this.refreshCatalogs(now);
      this.refreshedAt = now;
    }
    const plan = dueTicks(await store.listPipelineCatalogs(), await store.listCronMarks(), now);
    for (const mark of plan.start) await store.putCronMark(mark);
    // Recorded first, then marked: a crash in between records the same delivery ids
    // again on the next pass, which stores nothing.
    const recorded = await store.recordTriggerEvents(
      plan.fire.map((tick) => ({
        projectId: tick.projectId,
        source: TriggerSource.Cron,
        deliveryId: tickDeliveryId(tick),
        kind: 'cron',
        payload: JSON.stringify({
          pipeline: tick.pipeline,
          schedule: tick.schedule.schedule,
          timezone: tick.schedule.timezone,
          scheduledAt: new Date(tick.at).toISOString(),
        }),
        receivedAt: now,
      })),
    );
    let fired = 0;
    for (const [index, tick] of plan.fire.entries()) {
      await store.putCronMark({
        projectId: tick.projectId,
        pipeline: tick.pipeline,
        schedule: scheduleKey(tick.schedule),
        lastTickAt: tick.at,
      });
      const duplicate = recorded[index]?.duplicate ?? true;
      options.onTick(tick, duplicate);
      if (!duplicate) fired++;
    }
    if (fired > 0) options.onStored();
    return { leader: true, refreshed, fired };
  }

  private async refreshCatalogs(now: number): Promise<number> {
    const { store, options } = this;
    const known = new Map<string, PipelineCatalog>(
      (await store.listPipelineCatalogs()).map((catalog) => [catalog.projectId, catalog]),
    );
    let refreshed = 0;
    for (const project of await store.listProjects()) {
      try {
        const catalog = await refreshProjectCatalog(
          store,
          options.catalogs,
          project,
          known.get(project.id),
          now,
        );
        if (catalog === null) continue;
        refreshed++;
      } catch (error) {
        options.onCatalogError(error, project.name);
      }
    }
    return refreshed;
  }
}
