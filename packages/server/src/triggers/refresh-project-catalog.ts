import { scheduleKey, type ControlStore, type PipelineCatalog, type Project } from '@slipway/core';
import { readPipelineCatalog, type CatalogContext } from './read-pipeline-catalog.js';

/**
 * Reads a project's default-branch pipelines again when the branch moved since `known`
 * was read, and stores the new catalog; returns it, or null when nothing changed.
 * Errors (an unreachable repository) are the caller's to report; the old catalog stays.
 *
 * A schedule that appears (again) starts from now: one removed and added back later must
 * not catch up the ticks of while it was gone. Its mark is written before the catalog, so
 * a crash in between does the same again at the next read. Safe on any replica and from
 * a request: storing a catalog twice is harmless, and marks only move forward.
 */
export async function refreshProjectCatalog(
  store: ControlStore,
  context: CatalogContext,
  project: Project,
  known: PipelineCatalog | undefined,
  now: number,
): Promise<PipelineCatalog | null> {
  const catalog = await readPipelineCatalog(context, project, known, now);
  if (catalog === null) return null;
  const before = new Set(listedSchedules(known));
  for (const key of listedSchedules(catalog)) {
    if (before.has(key)) continue;
    const [pipeline, schedule] = JSON.parse(key) as [string, string];
    await store.putCronMark({ projectId: project.id, pipeline, schedule, lastTickAt: now });
  }
  await store.putPipelineCatalog(catalog);
  return catalog;
}

function listedSchedules(catalog: PipelineCatalog | undefined): string[] {
  return (catalog?.pipelines ?? []).flatMap((pipeline) =>
    pipeline.cron.map((schedule) => JSON.stringify([pipeline.name, scheduleKey(schedule)])),
  );
}
