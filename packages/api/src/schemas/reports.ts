import type {
  ReportTotals as CoreReportTotals,
  TestCaseStatus as CoreTestCaseStatus,
  TestReport as CoreTestReport,
} from '@slipway/core';
import { z } from 'zod';
import { Id } from './common.js';
import { covering } from './covering.js';

/**
 * What one uploaded test report may hold. An agent cuts longer texts and drops cases
 * beyond the limit (passed ones first) before it uploads; the totals still count them.
 */
export const REPORT_LIMITS = {
  /** Largest body of one `POST /api/agent/reports`, as JSON. */
  maxBytes: 16 * 1024 * 1024,
  maxSuites: 10_000,
  maxCases: 100_000,
  /** Characters of a suite, case or class name. */
  maxName: 4_000,
  maxMessage: 8_000,
  maxDetails: 64_000,
} as const;

export const TestCaseStatus = covering<CoreTestCaseStatus>()(
  z.enum(['passed', 'failed', 'errored', 'skipped']),
);
export type TestCaseStatus = z.infer<typeof TestCaseStatus>;

const Count = z.number().int().nonnegative();
const Duration = z.number().nonnegative().describe('Milliseconds.');
const Name = z.string().max(REPORT_LIMITS.maxName);

export const ReportTotals = z.object({
  tests: Count,
  passed: Count,
  failed: Count,
  errored: Count,
  skipped: Count,
  durationMs: Duration,
}) satisfies z.ZodType<CoreReportTotals>;
export type ReportTotals = z.infer<typeof ReportTotals>;

export const TestCase = z.object({
  suite: Name.describe('Name of the suite the case belongs to.'),
  name: Name,
  classname: Name,
  status: TestCaseStatus.describe('`failed`: an assertion failed; `errored`: the test broke.'),
  durationMs: Duration,
  message: z
    .string()
    .max(REPORT_LIMITS.maxMessage)
    .optional()
    .describe('The short reason of a failure, error or skip.'),
  details: z
    .string()
    .max(REPORT_LIMITS.maxDetails)
    .optional()
    .describe('The body of a failure or error, usually a stack trace.'),
});
export type TestCase = z.infer<typeof TestCase>;

/** A suite's counts; nested suites are listed separately, named by their path (`a > b`). */
export const TestSuiteSummary = z.object({
  name: Name,
  tests: Count,
  failures: Count,
  errors: Count,
  skipped: Count,
  durationMs: Duration,
});
export type TestSuiteSummary = z.infer<typeof TestSuiteSummary>;

export const TestReport = z.object({
  suites: z
    .array(TestSuiteSummary.extend({ cases: z.array(TestCase).max(REPORT_LIMITS.maxCases) }))
    .max(REPORT_LIMITS.maxSuites),
  totals: ReportTotals,
}) satisfies z.ZodType<CoreTestReport>;
export type TestReport = z.infer<typeof TestReport>;

export const AgentReportRequest = z
  .object({ agentId: Id, attemptId: Id, report: TestReport })
  .refine(
    (body) =>
      body.report.suites.reduce((n, suite) => n + suite.cases.length, 0) <= REPORT_LIMITS.maxCases,
    { error: `a report holds at most ${REPORT_LIMITS.maxCases} cases`, path: ['report'] },
  );
export type AgentReportRequest = z.infer<typeof AgentReportRequest>;

export const AgentReportResponse = z.object({
  accepted: z
    .boolean()
    .describe("False when the attempt was already settled or is no longer the agent's."),
});
export type AgentReportResponse = z.infer<typeof AgentReportResponse>;

export const ListTestsQuery = z.strictObject({
  task: z.string().min(1).max(500).optional().describe('Only this task.'),
  status: TestCaseStatus.optional().describe('Only cases that ended so.'),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Cases to pass over: the `nextOffset` of the previous page; 0 when absent.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .describe('At most this many cases, 1 to 500; 100 when absent.'),
});
export type ListTestsQuery = z.infer<typeof ListTestsQuery>;

/** The test report of one task: that of its latest attempt (or of the attempt it kept). */
export const TaskTests = z.object({
  taskId: z.string(),
  attemptId: Id,
  totals: ReportTotals,
  suites: z.array(TestSuiteSummary),
});
export type TaskTests = z.infer<typeof TaskTests>;

export const RunTestCase = TestCase.extend({ taskId: z.string(), attemptId: Id });
export type RunTestCase = z.infer<typeof RunTestCase>;

export const RunTests = z.object({
  totals: ReportTotals.describe('Sums over the tasks listed.'),
  tasks: z.array(TaskTests).describe('Tasks with a report, in plan order.'),
  cases: z
    .array(RunTestCase)
    .describe(
      'Failed and errored cases first, then skipped, then passed; within each by task, then report order.',
    ),
  nextOffset: z
    .number()
    .int()
    .nullable()
    .describe('Pass as `offset` for the next page of cases; null on the last page.'),
});
export type RunTests = z.infer<typeof RunTests>;
