import { useState } from 'react';
import type { RunTests } from '@slipway/api';
import { useSigned } from '../app/api-context.js';
import { Link, paths } from '../app/router.js';
import { useLoad } from '../app/use-load.js';
import { compareCases } from '../tests/compare-cases.js';
import { allCases, previousRun } from '../tests/previous-run.js';
import { TestComparison } from '../tests/test-comparison.js';
import { TestResults } from '../tests/test-results.js';
import { ErrorNote } from '../ui/error-note.js';

const PAGE = 500;

/** The test results of a run, a page of cases at a time. */
export function TestsPage({ id }: { readonly id: string }) {
  const { client } = useSigned();
  const [more, setMore] = useState<RunTests | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const first = useLoad(`tests:${id}`, (signal) =>
    client.listTests(id, { limit: PAGE }, { signal }),
  );
  const tests = more ?? first.value;
  const compared = useLoad(`tests-compared:${id}`, async (signal) => {
    const { run } = await client.getRun(id, { signal });
    const previous = await previousRun(client, run, signal);
    if (previous === null) return null;
    const [now, then] = await Promise.all([
      allCases(client, id, signal),
      allCases(client, previous.id, signal),
    ]);
    return { previous, comparison: compareCases(now, then) };
  });

  const loadMore = async () => {
    if (tests?.nextOffset == null) return;
    try {
      const page = await client.listTests(id, { limit: PAGE, offset: tests.nextOffset });
      setMore({ ...page, cases: [...tests.cases, ...page.cases] });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={paths.run(id)}>Run</Link> / tests
      </nav>
      <h1>Test results</h1>
      <ErrorNote error={first.error ?? error} />
      {tests === undefined ? (
        first.error === undefined && <p className="loading">Loading…</p>
      ) : (
        <>
          {compared.value === null && (
            <p className="hint">
              No earlier finished run of this pipeline on this branch to compare with.
            </p>
          )}
          {compared.value != null && (
            <TestComparison
              previous={compared.value.previous}
              comparison={compared.value.comparison}
            />
          )}
          <ErrorNote error={compared.error} />
          <TestResults tests={tests} />
          {tests.nextOffset !== null && (
            <button type="button" className="secondary" onClick={() => void loadMore()}>
              Show more cases
            </button>
          )}
        </>
      )}
    </>
  );
}
