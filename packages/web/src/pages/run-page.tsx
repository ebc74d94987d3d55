import { useState } from 'react';
import type { Run, RunDetail } from '@slipway/api';
import { useSigned } from '../app/api-context.js';
import { Link, navigate, paths } from '../app/router.js';
import { mayAct } from '../app/permissions.js';
import { useLoad } from '../app/use-load.js';
import { ErrorNote } from '../ui/error-note.js';
import { isFinished, StatusBadge } from '../ui/status.js';
import { ApprovalPanel, type Decision } from './approval-panel.js';
import { ArtifactList } from './artifact-list.js';
import { MatrixGroup } from './matrix-group.js';
import { RunFacts } from './run-facts.js';
import { TaskCard } from './task-card.js';
import { stageItems } from './task-groups.js';
import { taskStages } from './task-stages.js';

function RunActions({
  detail,
  onDone,
}: {
  readonly detail: RunDetail;
  readonly onDone: () => void;
}) {
  const { client, access } = useSigned();
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const { run, tasks } = detail;
  const may = mayAct(access, run.projectId, 'developer');
  const finished = isFinished(run.status);
  const retryable = finished && tasks.some((t) => t.status !== 'succeeded');

  const act = async (action: () => Promise<Run>, go: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const next = await action();
      if (go) navigate(paths.run(next.id));
      else onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (!may) return <p className="hint">Viewers may not cancel, rerun or retry runs.</p>;
  return (
    <div className="actions">
      {!finished && (
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => void act(() => client.cancelRun(run.id), false)}
        >
          Cancel run
        </button>
      )}
      {retryable && (
        <button
          type="button"
          disabled={busy}
          onClick={() => void act(() => client.retryRun(run.id), true)}
        >
          Retry failed tasks
        </button>
      )}
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => void act(() => client.rerunRun(run.id), true)}
      >
        Rerun
      </button>
      <ErrorNote error={error} />
    </div>
  );
}

/** A run: what started it, its tasks by stage with live status, actions and artifacts. */
export function RunPage({ id }: { readonly id: string }) {
  const { client, access } = useSigned();
  const detail = useLoad(`run:${id}`, (signal) => client.getRun(id, { signal }), {
    pollMs: 1500,
    poll: (d) => !isFinished(d.run.status),
  });
  const finished = detail.value !== undefined && isFinished(detail.value.run.status);
  const artifacts = useLoad(`artifacts:${id}:${String(finished)}`, (signal) =>
    client.listArtifacts(id, { signal }),
  );

  if (detail.value === undefined) {
    return detail.error !== undefined ? (
      <ErrorNote error={detail.error} />
    ) : (
      <p className="loading">Loading…</p>
    );
  }
  const { run, tasks } = detail.value;
  const stages = taskStages(tasks);
  const planTasks = new Map(detail.value.plan.tasks.map((t) => [t.id, t]));
  const approvals = tasks.flatMap((task) =>
    task.approval === undefined ? [] : [{ task, approval: task.approval }],
  );
  const decide = async (taskId: string, decision: Decision, comment: string) => {
    const note = comment === '' ? undefined : comment;
    if (decision === 'approve') await client.approveTask(run.id, taskId, note);
    else await client.rejectTask(run.id, taskId, note);
    detail.reload();
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={paths.project(run.projectName)}>{run.projectName}</Link> / run #{run.number}
      </nav>
      <h1>
        {run.pipeline} #{run.number} <StatusBadge status={run.status} />
      </h1>
      <RunFacts run={run} commitUrl={detail.value.commitUrl} />
      <RunActions detail={detail.value} onDone={detail.reload} />
      <ErrorNote error={detail.error} />
      {approvals.length > 0 && (
        <section aria-labelledby="approvals-title">
          <h2 id="approvals-title">Approvals</h2>
          {approvals.map(({ task, approval }) => (
            <ApprovalPanel
              key={task.taskId}
              task={task}
              approval={approval}
              projectId={run.projectId}
              access={access}
              decide={(decision, comment) => decide(task.taskId, decision, comment)}
            />
          ))}
        </section>
      )}
      <section aria-labelledby="tasks-title">
        <h2 id="tasks-title">Tasks</h2>
        <div className="stages">
          {stages.map((stage, i) => (
            <ol
              key={i}
              className="stage"
              aria-label={stage[0]?.kind === 'finally' ? 'Finally' : `Stage ${i + 1}`}
            >
              {stageItems(stage, planTasks).map((item) =>
                item.kind === 'task' ? (
                  <TaskCard key={item.task.taskId} runId={run.id} task={item.task} />
                ) : (
                  <MatrixGroup
                    key={`matrix:${item.name}`}
                    runId={run.id}
                    name={item.name}
                    status={item.status}
                    tasks={item.tasks}
                  />
                ),
              )}
            </ol>
          ))}
        </div>
      </section>
      <section aria-labelledby="more-title">
        <h2 id="more-title">Results</h2>
        <p>
          <Link to={paths.tests(run.id)}>Test results</Link>
        </p>
        <h3>Artifacts</h3>
        <ErrorNote error={artifacts.error} />
        {artifacts.value !== undefined && (
          <ArtifactList runId={run.id} artifacts={artifacts.value} />
        )}
      </section>
    </>
  );
}
