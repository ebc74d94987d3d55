import type {
  ReportTotals,
  TestCase,
  TestCaseStatus,
  TestReport,
  TestSuite,
} from '../reports/index.js';

/** An attempt's parsed test report, as its agent uploads it. */
export interface ReportUpload {
  readonly attemptId: string;
  readonly agentId: string;
  readonly report: TestReport;
  readonly now: number;
}

/** A suite of a stored report, without its cases. */
export type StoredSuite = Omit<TestSuite, 'cases'>;

/** The stored report of one attempt: totals and suites; cases are read page by page. */
export interface StoredReport {
  readonly attemptId: string;
  readonly totals: ReportTotals;
  /** In report order. */
  readonly suites: readonly StoredSuite[];
  readonly createdAt: number;
}

/** Which test cases to read; see `ControlStore.listTestCases`. */
export interface TestCaseQuery {
  readonly attemptIds: readonly string[];
  /** Only cases that ended so. */
  readonly status?: TestCaseStatus;
  readonly offset: number;
  readonly limit: number;
}

/** One stored test case, with the attempt whose report holds it. */
export interface StoredTestCase extends TestCase {
  readonly attemptId: string;
}

/** A file an agent stored for an attempt, to be recorded. */
export interface NewArtifact {
  readonly attemptId: string;
  readonly agentId: string;
  /** Relative, normalised, `/`-separated. */
  readonly path: string;
  readonly size: number;
  /** Hex SHA-256 of the content. */
  readonly sha256: string;
  readonly now: number;
}

/** A recorded artifact file. */
export interface StoredArtifact {
  readonly attemptId: string;
  /** The run the attempt belongs to, whose folder holds the file. */
  readonly runId: string;
  readonly taskId: string;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly createdAt: number;
}

/**
 * A succeeded task of an earlier run kept by a new run that runs only the other tasks
 * again: the new run's task row is succeeded from the start, with these results, and
 * refers to the kept attempt (its logs, report and artifacts) instead of one of its own.
 */
export interface CarriedTask {
  readonly taskId: string;
  /** The kept attempt and its number. */
  readonly attemptId: string;
  readonly attempt: number;
  /** The run the kept attempt belongs to. */
  readonly runId: string;
  readonly results: Readonly<Record<string, string>>;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}
