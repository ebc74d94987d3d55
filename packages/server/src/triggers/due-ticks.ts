import {
  latestTick,
  scheduleKey,
  type CronMark,
  type CronSchedule,
  type PipelineCatalog,
} from '@slipway/core';

/** A schedule's tick to fire now. */
export interface DueTick {
  readonly projectId: string;
  readonly pipeline: string;
  readonly schedule: CronSchedule;
  /** The scheduled time of the tick (not when it is fired). */
  readonly at: number;
}

/** What a scheduler pass does about cron: ticks to fire and marks to store. */
export interface TickPlan {
  readonly fire: readonly DueTick[];
  /** Marks of schedules seen for the first time: they start at `now`, firing nothing. */
  readonly start: readonly CronMark[];
}

/**
 * Decides which ticks are due at `now` (pure). A schedule seen for the first time fires
 * nothing and starts its mark at `now`, so adding a schedule never fires a tick from
 * the past. A known schedule fires the latest of its ticks after its mark and at or
 * before `now`, once: ticks missed while no server ran catch up as one tick, never as
 * a flood. The caller stores the mark of each fired tick after recording it.
 */
export function dueTicks(
  catalogs: readonly PipelineCatalog[],
  marks: readonly CronMark[],
  now: number,
): TickPlan {
  const known = new Map(marks.map((m) => [markKey(m.projectId, m.pipeline, m.schedule), m]));
  const fire: DueTick[] = [];
  const start: CronMark[] = [];
  for (const catalog of catalogs) {
    for (const pipeline of catalog.pipelines) {
      const seen = new Set<string>();
      for (const schedule of pipeline.cron) {
        const key = scheduleKey(schedule);
        if (seen.has(key)) continue;
        seen.add(key);
        const mark = known.get(markKey(catalog.projectId, pipeline.name, key));
        if (mark === undefined) {
          start.push({
            projectId: catalog.projectId,
            pipeline: pipeline.name,
            schedule: key,
            lastTickAt: now,
          });
          continue;
        }
        const at = latestTick(schedule, mark.lastTickAt, now);
        if (at !== null)
          fire.push({ projectId: catalog.projectId, pipeline: pipeline.name, schedule, at });
      }
    }
  }
  return { fire, start };
}

/** The delivery id of a tick: one per (pipeline, schedule, scheduled time) in a project. */
export function tickDeliveryId(tick: DueTick): string {
  return `cron:${tick.pipeline}:${new Date(tick.at).toISOString()}:${scheduleKey(tick.schedule)}`;
}

function markKey(projectId: string, pipeline: string, schedule: string): string {
  return JSON.stringify([projectId, pipeline, schedule]);
}
