import type { ControlStore, NewCommitStatusReport } from '@slipway/core';

/** The runs and skipped pipelines of one trigger event, to report on its commit. */
export interface CommitStatusesToRecord {
  readonly projectId: string;
  readonly commit: string;
  readonly runIds: readonly string[];
  /** Pipelines the event's `on` filters skipped; reported as success, "skipped". */
  readonly skipped: readonly string[];
  /** The server's public URL; statuses link to `<publicUrl>/runs/<id>`. */
  readonly publicUrl: string;
  readonly now: number;
}

/** The commit status context of a pipeline. */
export function statusContext(pipeline: string): string {
  return `slipway/${pipeline}`;
}

/**
 * Adds a commit status report per run and per skipped pipeline to the outbox, when the
 * project reports to its forge (it has forge settings); answers how many were added.
 * The commit status loop delivers them.
 */
export async function recordCommitStatuses(
  store: ControlStore,
  what: CommitStatusesToRecord,
): Promise<number> {
  if ((await store.findProjectForge(what.projectId)) === null) return 0;
  const reports: NewCommitStatusReport[] = [];
  for (const runId of what.runIds) {
    const run = await store.getRun(runId);
    if (run === null) continue;
    reports.push({
      projectId: what.projectId,
      runId,
      commit: what.commit,
      context: statusContext(run.pipeline),
      targetUrl: `${what.publicUrl}/runs/${runId}`,
      createdAt: what.now,
    });
  }
  for (const pipeline of what.skipped) {
    reports.push({
      projectId: what.projectId,
      runId: null,
      commit: what.commit,
      context: statusContext(pipeline),
      targetUrl: null,
      createdAt: what.now,
    });
  }
  await store.addCommitStatuses(reports);
  return reports.length;
}
