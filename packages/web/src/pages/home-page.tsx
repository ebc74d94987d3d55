import type { Project, Run } from '@slipway/api';
import { useSigned } from '../app/api-context.js';
import { Link, paths } from '../app/router.js';
import { useLoad } from '../app/use-load.js';
import { ErrorNote } from '../ui/error-note.js';
import { RunTable } from '../ui/run-table.js';
import { isFinished } from '../ui/status.js';
import { AgentCapacityPanel } from './agent-capacity.js';

interface Overview {
  readonly projects: Project[];
  readonly recent: Run[];
  readonly active: Run[];
}

/** Projects with their recent runs, what runs or waits right now, and agent capacity. */
export function HomePage() {
  const { client } = useSigned();
  const overview = useLoad<Overview>(
    'home',
    async (signal) => {
      const [projects, recent, running, queued, waiting] = await Promise.all([
        client.listProjects({ signal }),
        client.listRuns({ limit: 100 }, { signal }),
        client.listRuns({ status: 'running', limit: 50 }, { signal }),
        client.listRuns({ status: 'queued', limit: 50 }, { signal }),
        client.listRuns({ status: 'waiting', limit: 50 }, { signal }),
      ]);
      const active = [...running.runs, ...queued.runs, ...waiting.runs].sort(
        (a, b) => b.createdAt - a.createdAt,
      );
      return { projects, recent: recent.runs, active };
    },
    { pollMs: 3000 },
  );
  const value = overview.value;

  return (
    <>
      <h1>Projects</h1>
      <AgentCapacityPanel />
      <ErrorNote error={overview.error} />
      {value === undefined ? (
        <p className="loading">Loading…</p>
      ) : (
        <>
          <section aria-labelledby="active">
            <h2 id="active">Running and queued now</h2>
            {value.active.length === 0 ? (
              <p className="empty">Nothing runs or waits.</p>
            ) : (
              <RunTable runs={value.active} showProject caption="Running and queued runs" />
            )}
          </section>
          {value.projects.length === 0 && (
            <p className="empty">
              No projects yet: add one with <code>slipway project add NAME SOURCE</code>.
            </p>
          )}
          {value.projects.map((project) => {
            const runs = value.recent.filter((r) => r.projectId === project.id).slice(0, 5);
            const live = runs.filter((r) => !isFinished(r.status)).length;
            return (
              <section key={project.id} aria-labelledby={`p-${project.id}`} className="card">
                <h2 id={`p-${project.id}`}>
                  <Link to={paths.project(project.name)}>{project.name}</Link>
                  {live > 0 && <span className="count">{live} active</span>}
                </h2>
                <p className="meta">
                  {project.source} · default branch <code>{project.defaultBranch}</code>
                </p>
                <RunTable runs={runs} caption={`Recent runs of ${project.name}`} />
              </section>
            );
          })}
        </>
      )}
    </>
  );
}
