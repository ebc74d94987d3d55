import type { StoredReport, StoredSuite } from '@slipway/core';
import { chunks } from '../rows/chunks.js';
import type { StoreContext } from '../store-context.js';

/** Totals and suites of the reports of these attempts, in the order of `attemptIds`. */
export async function readReports(
  ctx: StoreContext,
  attemptIds: readonly string[],
): Promise<StoredReport[]> {
  const reports: StoredReport[] = [];
  for (const ids of chunks([...new Set(attemptIds)])) {
    const [rows, suiteRows] = await Promise.all([
      ctx.db.selectFrom('test_reports').selectAll().where('attempt_id', 'in', ids).execute(),
      ctx.db
        .selectFrom('test_suites')
        .selectAll()
        .where('attempt_id', 'in', ids)
        .orderBy('attempt_id')
        .orderBy('position')
        .execute(),
    ]);
    const suites = new Map<string, StoredSuite[]>();
    for (const s of suiteRows) {
      const list = suites.get(s.attempt_id) ?? [];
      list.push({
        name: s.name,
        tests: s.tests,
        failures: s.failures,
        errors: s.errors,
        skipped: s.skipped,
        durationMs: s.duration_ms,
      });
      suites.set(s.attempt_id, list);
    }
    for (const row of rows) {
      reports.push({
        attemptId: row.attempt_id,
        totals: {
          tests: row.tests,
          passed: row.passed,
          failed: row.failed,
          errored: row.errored,
          skipped: row.skipped,
          durationMs: row.duration_ms,
        },
        suites: suites.get(row.attempt_id) ?? [],
        createdAt: row.created_at,
      });
    }
  }
  const order = new Map(attemptIds.map((id, i) => [id, i]));
  return reports.sort((a, b) => (order.get(a.attemptId) ?? 0) - (order.get(b.attemptId) ?? 0));
}
