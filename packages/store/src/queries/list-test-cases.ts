import type { StoredTestCase, TestCaseQuery, TestCaseStatus } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/**
 * A page of the cases of these attempts' reports: failed and errored first, then skipped,
 * then passed; within each, by the plan position of the attempt's task, then report order.
 */
export async function listTestCases(
  ctx: StoreContext,
  query: TestCaseQuery,
): Promise<StoredTestCase[]> {
  if (query.attemptIds.length === 0 || query.limit <= 0) return [];
  const rows = await ctx.db
    .selectFrom('test_cases as c')
    .innerJoin('attempts as a', 'a.id', 'c.attempt_id')
    .select([
      'c.attempt_id',
      'c.suite',
      'c.name',
      'c.classname',
      'c.status',
      'c.duration_ms',
      'c.message',
      'c.details',
    ])
    .where('c.attempt_id', 'in', [...new Set(query.attemptIds)])
    .$if(query.status !== undefined, (q) => q.where('c.status', '=', query.status ?? ''))
    .orderBy('c.rank')
    .orderBy('a.position')
    .orderBy('c.attempt_id')
    .orderBy('c.position')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return rows.map((row) => ({
    attemptId: row.attempt_id,
    suite: row.suite,
    name: row.name,
    classname: row.classname,
    status: row.status as TestCaseStatus,
    durationMs: row.duration_ms,
    ...(row.message !== null ? { message: row.message } : {}),
    ...(row.details !== null ? { details: row.details } : {}),
  }));
}
