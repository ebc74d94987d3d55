import { useEffect, useMemo, useState } from 'react';
import { useSigned } from '../app/api-context.js';
import { Link, paths } from '../app/router.js';
import { useLoad } from '../app/use-load.js';
import { LogLines, type LogLine } from '../logs/log-lines.js';
import { initiallyCollapsed, summarizeSteps, type StepSummary } from '../logs/log-steps.js';
import { lineOfHash, LogView } from '../logs/log-view.js';
import { ErrorNote } from '../ui/error-note.js';
import { isFinished } from '../ui/status.js';

/** How often arrived chunks are drawn, at most. */
const FLUSH_MS = 100;

type Phase = 'connecting' | 'live' | 'ended';

/** Follows a task's output over server-sent events, drawing new lines as they arrive. */
function useFollowedLines(runId: string, taskId: string) {
  const { client } = useSigned();
  const [lines, setLines] = useState<readonly LogLine[]>([]);
  const [phase, setPhase] = useState<Phase>('connecting');
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    const buffer = new LogLines();
    let dirty = false;
    const timer = setInterval(() => {
      if (!dirty) return;
      dirty = false;
      setLines(buffer.lines());
    }, FLUSH_MS);
    const follow = async () => {
      try {
        const stream = client.followTaskLogs(runId, taskId, { signal: controller.signal });
        setPhase('live');
        for (;;) {
          const next = await stream.next();
          if (next.done === true) break;
          if (buffer.add(next.value)) dirty = true;
        }
        setLines(buffer.lines());
        setPhase('ended');
      } catch (e) {
        if (!controller.signal.aborted) setError(e);
      }
    };
    void follow();
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [client, runId, taskId]);

  return { lines, phase, error };
}

/** The task's steps from its run (polled while the run goes on), or undefined until known. */
function useSteps(
  runId: string,
  taskId: string,
  lines: readonly LogLine[],
): readonly StepSummary[] | undefined {
  const { client } = useSigned();
  const detail = useLoad(`run:${runId}`, (signal) => client.getRun(runId, { signal }), {
    pollMs: 2000,
    poll: (d) => !isFinished(d.run.status),
  });
  const plan = detail.value?.plan.tasks.find((t) => t.id === taskId);
  const task = detail.value?.tasks.find((t) => t.taskId === taskId);
  const status = task?.status;
  const reason = task?.reason ?? null;
  const finishedAt = task?.finishedAt ?? null;
  return useMemo(
    () =>
      plan === undefined || status === undefined
        ? undefined
        : summarizeSteps(plan.steps, lines, { status, reason, finishedAt }),
    [plan, lines, status, reason, finishedAt],
  );
}

/**
 * Which steps are collapsed: what the reader chose, else the step holding the selected
 * line is open, else {@link initiallyCollapsed}. Lines arriving change none of it.
 */
function useCollapsed(steps: readonly StepSummary[] | undefined, selectedStep: number | undefined) {
  const [chosen, setChosen] = useState<ReadonlyMap<number, boolean>>(new Map());
  const collapsed = useMemo(() => {
    const shut = steps === undefined ? new Set<number>() : initiallyCollapsed(steps);
    if (selectedStep !== undefined) shut.delete(selectedStep);
    for (const [step, closed] of chosen) {
      if (closed) shut.add(step);
      else shut.delete(step);
    }
    return shut;
  }, [steps, selectedStep, chosen]);
  const choose = (step: number, closed: boolean) => {
    setChosen((previous) => new Map(previous).set(step, closed));
  };
  return { collapsed, choose };
}

/**
 * A task's output, live: a header per step that collapses its lines, search (a match in
 * a collapsed step opens it), timestamps on demand, line permalinks (`#L123`).
 */
export function LogsPage({ runId, taskId }: { readonly runId: string; readonly taskId: string }) {
  const { lines, phase, error } = useFollowedLines(runId, taskId);
  const steps = useSteps(runId, taskId, lines);
  const [query, setQuery] = useState('');
  const [showTimes, setShowTimes] = useState(false);
  const [selected, setSelected] = useState(() => lineOfHash(window.location.hash));
  const [matchIndex, setMatchIndex] = useState(0);

  useEffect(() => {
    const onHash = () => {
      setSelected(lineOfHash(window.location.hash));
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
    };
  }, []);

  const matches = useMemo(() => {
    if (query === '') return [];
    const needle = query.toLowerCase();
    return lines.filter((l) => l.search.includes(needle)).map((l) => l.number);
  }, [lines, query]);

  const stepOfLine = (line: number | null) => (line === null ? undefined : lines[line - 1]?.step);
  const { collapsed, choose } = useCollapsed(steps, stepOfLine(selected));

  const select = (line: number) => {
    window.history.replaceState(null, '', `#L${line}`);
    setSelected(line);
    const step = stepOfLine(line);
    if (step !== undefined && collapsed.has(step)) choose(step, false);
  };
  const jump = (step: number) => {
    if (matches.length === 0) return;
    const next =
      matchIndex < 0
        ? step > 0
          ? 0
          : matches.length - 1
        : (matchIndex + step + matches.length) % matches.length;
    setMatchIndex(next);
    const line = matches[next];
    if (line !== undefined) select(line);
  };

  return (
    <div className="logs-page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={paths.run(runId)}>Run</Link> / {taskId}
      </nav>
      <h1>
        Output of <code>{taskId}</code>{' '}
        <span className={`phase phase-${phase}`} role="status">
          {phase === 'live' ? 'live' : phase === 'ended' ? 'finished' : 'connecting…'}
        </span>
      </h1>
      <form
        className="log-tools"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          jump(1);
        }}
      >
        <label>
          Search
          <input
            type="search"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setMatchIndex(-1);
            }}
          />
        </label>
        <button type="submit" className="secondary" disabled={matches.length === 0}>
          Next
        </button>
        <button
          type="button"
          className="secondary"
          disabled={matches.length === 0}
          onClick={() => {
            jump(-1);
          }}
        >
          Previous
        </button>
        <span className="meta" aria-live="polite">
          {query === '' ? `${lines.length} lines` : `${matches.length} matching lines`}
        </span>
        <label className="check">
          <input
            type="checkbox"
            checked={showTimes}
            onChange={(e) => {
              setShowTimes(e.target.checked);
            }}
          />
          Timestamps
        </label>
      </form>
      <ErrorNote error={error} />
      <LogView
        lines={lines}
        query={query}
        showTimes={showTimes}
        selected={selected}
        onSelect={select}
        follow={phase === 'live'}
        {...(steps === undefined
          ? {}
          : {
              steps,
              collapsed,
              onToggleStep: (step: number) => {
                choose(step, !collapsed.has(step));
              },
            })}
      />
    </div>
  );
}
