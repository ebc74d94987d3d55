import { ErrorCode } from '@slipway/api';
import type { Project, RunRecord } from '@slipway/core';
import { HttpError } from '../http/http-error.js';
import { compileRunPlan, startRun, type CreateRunContext } from './create-run.js';

/**
 * Runs a run again from the start as a new run: the same project, pipeline, commit and
 * params, compiled anew from that commit, with the same trigger facts (and trust) but
 * `actor` as the one who asked. The new run records `rerunOf`.
 */
export async function rerunRun(
  context: CreateRunContext,
  project: Project,
  original: RunRecord,
  actor: string,
): Promise<RunRecord> {
  const commit = original.trigger.commit;
  if (commit === undefined) {
    throw new HttpError(
      ErrorCode.InvalidRequest,
      `run ${original.id} (#${original.number}) records no commit, so it cannot be run again`,
    );
  }
  const trigger = { ...original.trigger, actor };
  const plan = await compileRunPlan(
    context,
    project,
    commit,
    { pipeline: original.pipeline, params: { ...original.plan.params } },
    trigger,
  );
  return startRun(context, {
    projectId: project.id,
    plan,
    trigger,
    trusted: original.trusted,
    rerunOf: original.id,
  });
}
