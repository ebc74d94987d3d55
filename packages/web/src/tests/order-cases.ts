import type { RunTestCase, TestCaseStatus } from '@slipway/api';

function rank(status: TestCaseStatus): number {
  switch (status) {
    case 'failed':
    case 'errored':
      return 0;
    case 'skipped':
      return 1;
    case 'passed':
      return 2;
  }
}

/**
 * Cases as a reader wants them: failed and errored first, then skipped, then passed;
 * within each, the slowest first. Does not change `cases`.
 */
export function orderCases(cases: readonly RunTestCase[]): RunTestCase[] {
  return cases
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) => rank(a.c.status) - rank(b.c.status) || b.c.durationMs - a.c.durationMs || a.i - b.i,
    )
    .map(({ c }) => c);
}
