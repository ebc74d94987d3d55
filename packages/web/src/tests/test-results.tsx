import type { RunTests } from '@slipway/api';
import { formatDuration } from '../ui/format.js';
import { orderCases } from './order-cases.js';

/** A run's test results: totals, counts per suite, then every case with failures first. */
export function TestResults({ tests }: { readonly tests: RunTests }) {
  const { totals } = tests;
  const cases = orderCases(tests.cases);
  return (
    <>
      <p className="totals" aria-label="Totals">
        <strong>{totals.tests}</strong> tests: <span className="t-ok">{totals.passed} passed</span>,{' '}
        <span className="t-bad">{totals.failed} failed</span>,{' '}
        <span className="t-bad">{totals.errored} errored</span>, {totals.skipped} skipped ·{' '}
        {formatDuration(totals.durationMs)}
      </p>
      <section aria-labelledby="cases-title">
        <h2 id="cases-title">Cases</h2>
        {cases.length === 0 && <p className="empty">No test cases.</p>}
        <ul className="cases">
          {cases.map((c, i) => {
            const bad = c.status === 'failed' || c.status === 'errored';
            const title = (
              <>
                <span className={`case-status s-${c.status}`}>{c.status}</span>{' '}
                <span className="case-name">{c.name}</span>{' '}
                <span className="meta">
                  {c.suite} · {c.taskId} · {formatDuration(c.durationMs)}
                </span>
              </>
            );
            return (
              <li
                key={`${c.taskId}/${c.suite}/${c.classname}/${c.name}/${i}`}
                data-status={c.status}
              >
                {bad || c.message !== undefined ? (
                  <details open={bad && i < 3}>
                    <summary>{title}</summary>
                    {c.message !== undefined && <p className="case-message">{c.message}</p>}
                    {c.details !== undefined && <pre className="case-details">{c.details}</pre>}
                  </details>
                ) : (
                  <div className="case-row">{title}</div>
                )}
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="suites-title">
        <h2 id="suites-title">Suites</h2>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Counts per suite</caption>
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Suite</th>
                <th scope="col">Tests</th>
                <th scope="col">Failures</th>
                <th scope="col">Errors</th>
                <th scope="col">Skipped</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {tests.tasks.flatMap((task) =>
                task.suites.map((suite) => (
                  <tr key={`${task.taskId}/${suite.name}`}>
                    <td>{task.taskId}</td>
                    <td>{suite.name}</td>
                    <td>{suite.tests}</td>
                    <td>{suite.failures}</td>
                    <td>{suite.errors}</td>
                    <td>{suite.skipped}</td>
                    <td>{formatDuration(suite.durationMs)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
