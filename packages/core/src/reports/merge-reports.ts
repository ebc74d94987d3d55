import type { TestReport } from './test-report.js';
import { reportOf } from './test-report.js';

/** One report with the suites of all `reports`, in order, and their totals added up. */
export function mergeReports(reports: readonly TestReport[]): TestReport {
  return reportOf(reports.flatMap((report) => report.suites));
}
