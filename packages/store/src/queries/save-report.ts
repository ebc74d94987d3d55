import { TestCaseStatus, type ReportUpload } from '@slipway/core';
import { chunks } from '../rows/chunks.js';
import { holdsAttempt } from '../rows/held-attempt.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

/** Orders cases so that failures come first. */
const RANK: Readonly<Record<TestCaseStatus, number>> = {
  [TestCaseStatus.Failed]: 0,
  [TestCaseStatus.Errored]: 0,
  [TestCaseStatus.Skipped]: 1,
  [TestCaseStatus.Passed]: 2,
};

/**
 * Replaces the test report of an attempt the agent holds with `upload.report`: totals,
 * suites and cases in report order. False, storing nothing, when the agent does not hold
 * the attempt.
 */
export function saveReport(ctx: StoreContext, upload: ReportUpload): Promise<boolean> {
  const { attemptId, report } = upload;
  return writeTransaction(ctx, async (trx) => {
    if (!(await holdsAttempt(ctx, trx, attemptId, upload.agentId))) return false;
    await trx.deleteFrom('test_cases').where('attempt_id', '=', attemptId).execute();
    await trx.deleteFrom('test_suites').where('attempt_id', '=', attemptId).execute();
    await trx.deleteFrom('test_reports').where('attempt_id', '=', attemptId).execute();
    const { totals } = report;
    await trx
      .insertInto('test_reports')
      .values({
        attempt_id: attemptId,
        tests: totals.tests,
        passed: totals.passed,
        failed: totals.failed,
        errored: totals.errored,
        skipped: totals.skipped,
        duration_ms: totals.durationMs,
        created_at: upload.now,
      })
      .execute();
    const suites = report.suites.map((suite, position) => ({
      attempt_id: attemptId,
      position,
      name: suite.name,
      tests: suite.tests,
      failures: suite.failures,
      errors: suite.errors,
      skipped: suite.skipped,
      duration_ms: suite.durationMs,
    }));
    for (const batch of chunks(suites)) await trx.insertInto('test_suites').values(batch).execute();
    const cases = report.suites
      .flatMap((suite) => suite.cases)
      .map((c, position) => ({
        attempt_id: attemptId,
        position,
        suite: c.suite,
        name: c.name,
        classname: c.classname,
        status: c.status,
        rank: RANK[c.status],
        duration_ms: c.durationMs,
        message: c.message ?? null,
        details: c.details ?? null,
      }));
    for (const batch of chunks(cases)) await trx.insertInto('test_cases').values(batch).execute();
    return true;
  });
}
