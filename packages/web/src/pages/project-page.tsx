import { RunStatus } from '@slipway/api';
import { useSigned } from '../app/api-context.js';
import { navigate, paths, useLocation } from '../app/router.js';
import { mayAct } from '../app/permissions.js';
import { useLoad } from '../app/use-load.js';
import { ErrorNote } from '../ui/error-note.js';
import { refOf, RunTable } from '../ui/run-table.js';
import { latestRuns, markClosedPulls } from './latest-runs.js';
import { RefSummary } from './ref-summary.js';
import { RunForm } from './run-form.js';

/** A project's recent runs with filters kept in the address, and the form to start one. */
export function ProjectPage({ name }: { readonly name: string }) {
  const { client, access } = useSigned();
  const { search } = useLocation();
  const status = RunStatus.safeParse(search.get('status')).data;
  const pipeline = search.get('pipeline') ?? '';
  const branch = search.get('branch') ?? '';

  const project = useLoad(`project:${name}`, (signal) => client.getProject(name, { signal }));
  const runs = useLoad(
    `runs:${name}:${status ?? ''}:${pipeline}`,
    async (signal) =>
      (
        await client.listRuns(
          {
            project: name,
            limit: 100,
            ...(status !== undefined ? { status } : {}),
            ...(pipeline !== '' ? { pipeline } : {}),
          },
          { signal },
        )
      ).runs,
    { pollMs: 3000 },
  );
  const recent = useLoad(
    `pipelines:${name}`,
    async (signal) => {
      const [list, pulls] = await Promise.all([
        client.listRuns({ project: name, limit: 100 }, { signal }),
        client.listPullRequests(name, { signal }),
      ]);
      return { runs: list.runs, pulls };
    },
    { pollMs: 10_000 },
  );
  const allRuns = recent.value?.runs;
  const latest = latestRuns(allRuns ?? []);
  const pulls = markClosedPulls(latest.pulls, recent.value?.pulls ?? []);
  const pipelines = [...new Set((allRuns ?? []).map((r) => r.pipeline))].sort();
  const branches = [...new Set((allRuns ?? []).map(refOf).filter((b) => b !== ''))].sort();
  const shown = (runs.value ?? []).filter((r) => branch === '' || refOf(r) === branch);

  const setFilter = (key: 'status' | 'pipeline' | 'branch', value: string) => {
    const next = new URLSearchParams(search);
    if (value === '') next.delete(key);
    else next.set(key, value);
    const query = next.toString();
    navigate(`${paths.project(name)}${query ? `?${query}` : ''}`, { replace: true });
  };

  if (project.error !== undefined) return <ErrorNote error={project.error} />;
  const p = project.value;
  if (p === undefined) return <p className="loading">Loading…</p>;
  const canRun = mayAct(access, p.id, 'developer');

  return (
    <>
      <h1>{p.name}</h1>
      <p className="meta">
        {p.source} · default branch <code>{p.defaultBranch}</code>
      </p>
      {canRun ? (
        <RunForm project={p} knownPipelines={pipelines} />
      ) : (
        <p className="hint">
          You may view this project; running pipelines needs the developer role.
        </p>
      )}
      {allRuns !== undefined && (
        <div className="refs-summary">
          <RefSummary title="Branches" refs={latest.branches} what="branch" />
          <RefSummary title="Pull requests" refs={pulls} what="pull" />
          <p className="hint">
            From the project&apos;s last 100 runs; closed pull requests as their forge said.
          </p>
        </div>
      )}
      <section aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <form
          className="filters"
          aria-label="Filter runs"
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <label>
            Status
            <select
              value={status ?? ''}
              onChange={(e) => {
                setFilter('status', e.target.value);
              }}
            >
              <option value="">any</option>
              {RunStatus.options.map((s) => (
                <option key={s} value={s}>
                  {s.replace('_', ' ')}
                </option>
              ))}
            </select>
          </label>
          <label>
            Pipeline
            <select
              value={pipeline}
              onChange={(e) => {
                setFilter('pipeline', e.target.value);
              }}
            >
              <option value="">any</option>
              {pipelines.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          </label>
          <label>
            Branch
            <select
              value={branch}
              onChange={(e) => {
                setFilter('branch', e.target.value);
              }}
            >
              <option value="">any</option>
              {branches.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          </label>
        </form>
        <ErrorNote error={runs.error} />
        {runs.value === undefined ? (
          <p className="loading">Loading…</p>
        ) : (
          <RunTable runs={shown} caption={`Runs of ${p.name}`} />
        )}
      </section>
    </>
  );
}
