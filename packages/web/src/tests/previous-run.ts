import type { Run, RunTestCase, SlipwayClient } from '@slipway/api';
import { isFinished } from '../ui/status.js';

const RUN_PAGE = 100;
const RUN_PAGES = 5;
const CASE_PAGE = 500;
const CASE_PAGES = 20;

/**
 * The latest finished run before `run` of the same project, pipeline and branch, looking
 * through at most 500 earlier runs of that branch; null if none, or if `run` was not of a
 * branch.
 */
export async function previousRun(
  client: SlipwayClient,
  run: Run,
  signal: AbortSignal,
): Promise<Run | null> {
  const branch = run.trigger.branch;
  if (branch === undefined) return null;
  let before: number | null = run.number;
  for (let page = 0; page < RUN_PAGES && before !== null; page++) {
    const list = await client.listRuns(
      { project: run.projectId, pipeline: run.pipeline, branch, before, limit: RUN_PAGE },
      { signal },
    );
    const found = list.runs.find((r) => isFinished(r.status));
    if (found !== undefined) return found;
    before = list.nextBefore;
  }
  return null;
}

/** Every test case of a run (at most 10,000). */
export async function allCases(
  client: SlipwayClient,
  runId: string,
  signal: AbortSignal,
): Promise<RunTestCase[]> {
  const cases: RunTestCase[] = [];
  let offset: number | null = 0;
  for (let page = 0; page < CASE_PAGES && offset !== null; page++) {
    const tests = await client.listTests(runId, { limit: CASE_PAGE, offset }, { signal });
    cases.push(...tests.cases);
    offset = tests.nextOffset;
  }
  return cases;
}
