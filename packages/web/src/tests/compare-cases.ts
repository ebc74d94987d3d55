import type { RunTestCase } from '@slipway/api';

/** How a run's test cases changed from an earlier run's. */
export interface CaseComparison {
  /** Failing now, and passed, was skipped or did not exist before. */
  readonly newFailures: readonly RunTestCase[];
  /** Failing before, passing now. */
  readonly fixed: readonly RunTestCase[];
  /** Failing before and now. */
  readonly stillFailing: readonly RunTestCase[];
}

function failing(c: RunTestCase): boolean {
  switch (c.status) {
    case 'failed':
    case 'errored':
      return true;
    case 'passed':
    case 'skipped':
      return false;
  }
}

/** What names one test case across runs: its suite, class and name. */
export function caseKey(c: RunTestCase): string {
  return JSON.stringify([c.suite, c.classname, c.name]);
}

/**
 * Compares the cases of a run with those of an earlier run. Cases are matched by suite,
 * class and name; a case failing before that no longer exists is in no list. Each list
 * keeps the order of `current`.
 */
export function compareCases(
  current: readonly RunTestCase[],
  previous: readonly RunTestCase[],
): CaseComparison {
  const before = new Map<string, RunTestCase>();
  for (const c of previous) {
    const key = caseKey(c);
    const known = before.get(key);
    if (known === undefined || (!failing(known) && failing(c))) before.set(key, c);
  }
  const newFailures: RunTestCase[] = [];
  const fixed: RunTestCase[] = [];
  const stillFailing: RunTestCase[] = [];
  for (const c of current) {
    const then = before.get(caseKey(c));
    const failedThen = then !== undefined && failing(then);
    if (failing(c)) (failedThen ? stillFailing : newFailures).push(c);
    else if (failedThen && c.status === 'passed') fixed.push(c);
  }
  return { newFailures, fixed, stillFailing };
}
