import { Link, paths } from '../app/router.js';
import { formatWhen } from '../ui/format.js';
import { StatusBadge } from '../ui/status.js';
import type { RefRuns } from './latest-runs.js';

/**
 * Branches or pull requests as a table: each with the latest run of every pipeline on
 * it (status, linked to the run) and when the latest of them started.
 */
export function RefSummary({
  title,
  refs,
  what,
}: {
  readonly title: string;
  readonly refs: readonly RefRuns[];
  readonly what: 'branch' | 'pull';
}) {
  const id = `${what}-summary-title`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {refs.length === 0 ? (
        <p className="empty">
          {what === 'branch' ? 'No branch has recent runs.' : 'No pull request has recent runs.'}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="refs">
            <thead>
              <tr>
                <th scope="col">{what === 'branch' ? 'Branch' : 'Pull request'}</th>
                <th scope="col">Latest run per pipeline</th>
                <th scope="col" className="wide">
                  Last run
                </th>
              </tr>
            </thead>
            <tbody>
              {refs.map((entry) => (
                <tr key={String(entry.ref)}>
                  <th scope="row">
                    {what === 'branch' ? (
                      <code>{entry.ref}</code>
                    ) : (
                      <>
                        #{entry.ref}
                        {entry.closed === true && (
                          <>
                            {' '}
                            <span className="badge badge-off">closed</span>
                          </>
                        )}
                        {entry.title !== null && <span className="meta"> {entry.title}</span>}
                      </>
                    )}
                  </th>
                  <td>
                    <ul className="latest">
                      {entry.runs.map((run) => (
                        <li key={run.pipeline}>
                          <Link to={paths.run(run.id)}>
                            {run.pipeline} <StatusBadge status={run.status} />
                          </Link>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="wide">{formatWhen(entry.latestAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
