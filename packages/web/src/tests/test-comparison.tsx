import type { Run, RunTestCase } from '@slipway/api';
import { Link, paths } from '../app/router.js';
import { refOf } from '../ui/run-table.js';
import type { CaseComparison } from './compare-cases.js';

function CaseList({
  title,
  cases,
  kind,
}: {
  readonly title: string;
  readonly cases: readonly RunTestCase[];
  readonly kind: string;
}) {
  return (
    <div className={`compare compare-${kind}`}>
      <h3>
        {title} ({cases.length})
      </h3>
      {cases.length === 0 ? (
        <p className="empty">none</p>
      ) : (
        <ul>
          {cases.map((c) => (
            <li key={`${c.taskId}:${c.suite}:${c.classname}:${c.name}`}>
              {c.name} <span className="meta">{c.suite}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A run's failures compared with those of the previous finished run on its branch. */
export function TestComparison({
  previous,
  comparison,
}: {
  readonly previous: Run;
  readonly comparison: CaseComparison;
}) {
  return (
    <section aria-labelledby="compare-title">
      <h2 id="compare-title">Compared with the previous run</h2>
      <p className="meta">
        <Link to={paths.run(previous.id)}>
          {previous.pipeline} #{previous.number}
        </Link>{' '}
        on {refOf(previous)}, {previous.status.replace('_', ' ')}
      </p>
      <div className="comparison">
        <CaseList title="New failures" cases={comparison.newFailures} kind="new" />
        <CaseList title="Fixed" cases={comparison.fixed} kind="fixed" />
        <CaseList title="Still failing" cases={comparison.stillFailing} kind="still" />
      </div>
    </section>
  );
}
