import { TriggerEvent, TriggerKind, type Project } from '@slipway/core';
import { z } from 'zod';
import type { NormalizeResult } from './normalized-trigger.js';

const CronTick = z.object({
  pipeline: z.string().min(1),
  schedule: z.string().min(1),
  timezone: z.string().min(1),
  scheduledAt: z.string().min(1),
});

const RunCompleted = z.object({
  project: z.string().min(1),
  pipeline: z.string().min(1),
  run: z.string().min(1),
  number: z.number().int().positive(),
  status: z.string().min(1),
});

/**
 * Reads the events the server records itself: a cron tick (kind `cron`: `pipeline`,
 * `schedule`, `timezone`, `scheduledAt`) builds the named pipeline at the head of the
 * project's default branch; a run that ended (kind `pipeline`: `project`, `pipeline`,
 * `run`, `number`, `status`) builds each pipeline whose `on.pipeline` takes it, also at
 * the default branch head.
 */
export function normalizeScheduled(
  project: Project,
  kind: string,
  payload: unknown,
): NormalizeResult {
  const branch = project.defaultBranch;
  switch (kind) {
    case 'cron': {
      const parsed = CronTick.safeParse(payload);
      if (!parsed.success)
        return { ignored: `the cron payload is not as expected (${parsed.error.message})` };
      const tick = parsed.data;
      return {
        trigger: {
          candidate: {
            kind: TriggerKind.Cron,
            branch,
            cron: { schedule: tick.schedule, timezone: tick.timezone },
            changedPaths: null,
          },
          facts: { event: TriggerEvent.Cron, branch, commit: '' },
          diffBase: null,
          untrusted: false,
          headOf: branch,
          pipeline: tick.pipeline,
        },
      };
    }
    case 'pipeline': {
      const parsed = RunCompleted.safeParse(payload);
      if (!parsed.success)
        return { ignored: `the pipeline payload is not as expected (${parsed.error.message})` };
      const run = parsed.data;
      return {
        trigger: {
          candidate: {
            kind: TriggerKind.PipelineCompletion,
            branch,
            completion: { project: run.project, pipeline: run.pipeline, status: run.status },
            project: project.name,
            changedPaths: null,
          },
          facts: { event: TriggerEvent.Pipeline, branch, commit: '' },
          diffBase: null,
          untrusted: false,
          headOf: branch,
        },
      };
    }
    default:
      return { ignored: `${kind} events of the server itself are not known` };
  }
}
