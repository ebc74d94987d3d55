import type { Run } from '@slipway/api';
import { Link, paths } from '../app/router.js';
import { elapsed, formatWhen, shortCommit } from './format.js';
import { StatusBadge } from './status.js';

/** What triggered a run, in a few words: the branch or tag, else the event. */
export function refOf(run: Run): string {
  return (
    run.trigger.branch ??
    run.trigger.tag ??
    (run.trigger.pr !== undefined ? `PR #${run.trigger.pr}` : '')
  );
}

/** Runs as a table: number, status, pipeline, branch, commit, who, when, duration. */
export function RunTable({
  runs,
  showProject = false,
  caption,
}: {
  readonly runs: readonly Run[];
  readonly showProject?: boolean;
  readonly caption: string;
}) {
  if (runs.length === 0) return <p className="empty">No runs.</p>;
  return (
    <div className="table-wrap">
      <table className="runs">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            {showProject && <th scope="col">Project</th>}
            <th scope="col">Status</th>
            <th scope="col">Pipeline</th>
            <th scope="col">Branch</th>
            <th scope="col" className="wide">
              Commit
            </th>
            <th scope="col" className="wide">
              Started
            </th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <Link to={paths.run(run.id)}>#{run.number}</Link>
              </td>
              {showProject && (
                <td>
                  <Link to={paths.project(run.projectName)}>{run.projectName}</Link>
                </td>
              )}
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>{run.pipeline}</td>
              <td>{refOf(run)}</td>
              <td className="wide mono">{shortCommit(run.trigger.commit)}</td>
              <td className="wide">{formatWhen(run.startedAt ?? run.createdAt)}</td>
              <td>{elapsed(run.startedAt, run.finishedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
