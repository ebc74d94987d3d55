import type { NewCommitStatusReport } from '@slipway/core';
import { retryTransient } from '../retry-transient.js';
import { timeSortedId } from '../rows/time-sorted-id.js';
import type { StoreContext } from '../store-context.js';

/** Adds reports to the commit status outbox, due at their creation time. */
export async function addCommitStatuses(
  ctx: StoreContext,
  reports: readonly NewCommitStatusReport[],
): Promise<void> {
  if (reports.length === 0) return;
  await retryTransient(ctx, () =>
    ctx.db
      .insertInto('commit_statuses')
      .values(
        reports.map((report) => ({
          id: timeSortedId(report.createdAt),
          project_id: report.projectId,
          run_id: report.runId,
          commit_id: report.commit,
          context: report.context,
          target_url: report.targetUrl,
          created_at: report.createdAt,
          reported: null,
          attempts: 0,
          next_attempt_at: report.createdAt,
          last_error: null,
        })),
      )
      .execute(),
  );
}
