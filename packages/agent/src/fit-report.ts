import { REPORT_LIMITS } from '@slipway/api';
import { TestCaseStatus, type TestCase, type TestReport, type TestSuite } from '@slipway/core';

const CUT = '… [cut]';
/** Room left in a request for its other fields. */
const MARGIN_BYTES = 64 * 1024;
/** How long details may stay when a report is too large with them whole. */
const SHORT_DETAILS = 4096;

/**
 * A report that fits what the control plane takes (see `REPORT_LIMITS`): long texts cut,
 * and, when there are too many cases or too many bytes, details shortened, then cases
 * dropped, passed ones first, failed ones last. Suite counts and totals still count every
 * case. `cut` says what was done, or is null when the report fitted as it was.
 */
export function fitReport(
  report: TestReport,
  maxBytes: number = REPORT_LIMITS.maxBytes,
): {
  report: TestReport;
  cut: string | null;
} {
  const done: string[] = [];
  const seen = { clipped: false };
  const clip = (text: string, max: number): string => {
    if (text.length <= max) return text;
    seen.clipped = true;
    return `${text.slice(0, max - CUT.length)}${CUT}`;
  };
  const clipCase = (c: TestCase): TestCase => ({
    ...c,
    suite: clip(c.suite, REPORT_LIMITS.maxName),
    name: clip(c.name, REPORT_LIMITS.maxName),
    classname: clip(c.classname, REPORT_LIMITS.maxName),
    ...(c.message !== undefined ? { message: clip(c.message, REPORT_LIMITS.maxMessage) } : {}),
    ...(c.details !== undefined ? { details: clip(c.details, REPORT_LIMITS.maxDetails) } : {}),
  });
  let suites = report.suites.slice(0, REPORT_LIMITS.maxSuites).map((suite) => ({
    ...suite,
    name: clip(suite.name, REPORT_LIMITS.maxName),
    cases: suite.cases.map(clipCase),
  }));
  if (report.suites.length > REPORT_LIMITS.maxSuites) {
    done.push(`only the first ${REPORT_LIMITS.maxSuites} suites were kept`);
  }
  if (seen.clipped) done.push('long names, messages or details were cut');
  const limit = maxBytes - MARGIN_BYTES;
  const size = () => Buffer.byteLength(JSON.stringify({ suites, totals: report.totals }));
  if (count(suites) > REPORT_LIMITS.maxCases) {
    suites = keepCases(suites, REPORT_LIMITS.maxCases);
    done.push(`only ${REPORT_LIMITS.maxCases} cases were kept, failures first`);
  }
  if (size() > limit) {
    suites = suites.map((suite) => ({
      ...suite,
      cases: suite.cases.map((c) =>
        c.details === undefined ? c : { ...c, details: clip(c.details, SHORT_DETAILS) },
      ),
    }));
    done.push(`details were cut to ${SHORT_DETAILS} characters`);
  }
  if (size() > limit) {
    let keep = count(suites);
    while (size() > limit && keep > 0) {
      keep = Math.floor(keep / 2);
      suites = keepCases(suites, keep);
    }
    done.push(`only ${keep} cases were kept, failures first`);
  }
  return {
    report: { suites, totals: report.totals },
    cut: done.length > 0 ? done.join('; ') : null,
  };
}

function count(suites: readonly TestSuite[]): number {
  return suites.reduce((n, suite) => n + suite.cases.length, 0);
}

const KEEP_ORDER: Readonly<Record<TestCaseStatus, number>> = {
  [TestCaseStatus.Failed]: 0,
  [TestCaseStatus.Errored]: 0,
  [TestCaseStatus.Skipped]: 1,
  [TestCaseStatus.Passed]: 2,
};

/** The suites with at most `keep` cases in all, the most telling ones, in their order. */
function keepCases(suites: TestSuite[], keep: number): TestSuite[] {
  const all = suites.flatMap((suite, s) => suite.cases.map((c, i) => ({ c, s, i })));
  all.sort((a, b) => KEEP_ORDER[a.c.status] - KEEP_ORDER[b.c.status] || a.s - b.s || a.i - b.i);
  const kept = new Set(all.slice(0, keep).map(({ c }) => c));
  return suites.map((suite) => ({ ...suite, cases: suite.cases.filter((c) => kept.has(c)) }));
}
