/** How one test case ended. */
export const TestCaseStatus = {
  Passed: 'passed',
  /** An assertion failed (`<failure>`). */
  Failed: 'failed',
  /** The test could not run properly: an unexpected exception, a broken fixture (`<error>`). */
  Errored: 'errored',
  Skipped: 'skipped',
} as const;
export type TestCaseStatus = (typeof TestCaseStatus)[keyof typeof TestCaseStatus];

/** One test case of a report. */
export interface TestCase {
  /** Name of the suite the case belongs to, as in {@link TestSuite.name}. */
  suite: string;
  name: string;
  classname: string;
  status: TestCaseStatus;
  durationMs: number;
  /** The short reason of a failure, error or skip. */
  message?: string;
  /** The body of a failure or error, usually a stack trace. */
  details?: string;
}

/**
 * The cases of one suite. Nested suites are listed separately, named by their path
 * (`outer > inner`); counts are taken from the cases.
 */
export interface TestSuite {
  name: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  durationMs: number;
  cases: TestCase[];
}

/** Test results from one or more JUnit XML files. */
export interface TestReport {
  suites: TestSuite[];
  totals: ReportTotals;
}

export interface ReportTotals {
  tests: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  durationMs: number;
}

/** Adds up the cases and durations of `suites`. */
export function reportOf(suites: TestSuite[]): TestReport {
  const totals: ReportTotals = {
    tests: 0,
    passed: 0,
    failed: 0,
    errored: 0,
    skipped: 0,
    durationMs: 0,
  };
  for (const suite of suites) {
    totals.durationMs += suite.durationMs;
    for (const testCase of suite.cases) {
      totals.tests++;
      switch (testCase.status) {
        case TestCaseStatus.Passed:
          totals.passed++;
          break;
        case TestCaseStatus.Failed:
          totals.failed++;
          break;
        case TestCaseStatus.Errored:
          totals.errored++;
          break;
        case TestCaseStatus.Skipped:
          totals.skipped++;
          break;
      }
    }
  }
  totals.durationMs = roundMs(totals.durationMs);
  return { suites, totals };
}

/** Milliseconds kept to the microsecond, so sums of float seconds print cleanly. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
