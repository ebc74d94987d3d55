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
  const listening = (await store.listPipelineCatalogs()).filter((catalog) =>
    catalog.pipelines.some((pipeline) =>
      pipeline.completions.some(
        (filter) =>
          filter.project === project.name &&
          filter.name === run.pipeline &&
          filter.statuses.includes(run.status),
      ),
    ),
  );
  if (listening.length === 0) return 0;
  const payload = JSON.stringify({
    project: project.name,
    pipeline: run.pipeline,
    run: run.id,
    number: run.number,
    status: run.status,
  });
  const recorded = await store.recordTriggerEvents(
    listening.map((catalog) => ({
      projectId: catalog.projectId,
      source: TriggerSource.Pipeline,
      deliveryId: `run:${run.id}`,
      kind: 'pipeline',
      payload,
      receivedAt: now,
    })),
  );
  return recorded.filter((answer) => !answer.duplicate).length;
}
