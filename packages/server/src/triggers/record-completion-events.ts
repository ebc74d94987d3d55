import { TriggerSource, type ControlStore } from '@slipway/core';

/**
 * Records a `pipeline` trigger event, for each project whose default-branch pipelines
 * take it in `on.pipeline` (as the pipeline catalogs say), about a run that ended. The
 * delivery id is the run's id, so recording it twice stores one event per project.
 * Returns how many events were stored.
 */
export async function recordCompletionEvents(
  store: ControlStore,
  runId: string,
  now: number,
): Promise<number> {
  const run = await store.getRun(runId);
  if (run === null) return 0;
  const project = await store.findProject(run.projectId);
  if (project === null) return 0;
  let stored = 0;
  for (const catalog of await store.listPipelineCatalogs()) {
    const listens = catalog.pipelines.some((pipeline) =>
      pipeline.completions.some(
        (filter) =>
          filter.project === project.name &&
          filter.name === run.pipeline &&
          filter.statuses.includes(run.status),
      ),
    );
    if (!listens) continue;
    const recorded = await store.recordTriggerEvent({
      projectId: catalog.projectId,
      source: TriggerSource.Pipeline,
      deliveryId: `run:${run.id}`,
      kind: 'pipeline',
      payload: JSON.stringify({
        project: project.name,
        pipeline: run.pipeline,
        run: run.id,
        number: run.number,
        status: run.status,
      }),
      receivedAt: now,
    });
    if (!recorded.duplicate) stored++;
  }
  return stored;
}
