export type { ReportTotals, TestCase, TestReport, TestSuite } from './test-report.js';
export { TestCaseStatus } from './test-report.js';
export { ReportError } from './report-error.js';
export { MAX_REPORT_SIZE } from './max-report-size.js';
// parseJUnitXml is imported from its module, when a task has reports: the XML parser
// takes tens of milliseconds to load, which every `slipway run` would pay otherwise.
export { mergeReports } from './merge-reports.js';
