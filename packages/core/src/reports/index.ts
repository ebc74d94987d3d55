export type { ReportTotals, TestCase, TestReport, TestSuite } from './test-report.js';
export { TestCaseStatus } from './test-report.js';
export { ReportError } from './report-error.js';
export { MAX_REPORT_SIZE, parseJUnitXml } from './parse-junit-xml.js';
export { mergeReports } from './merge-reports.js';
