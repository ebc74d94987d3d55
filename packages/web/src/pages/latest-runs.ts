import type { PullRequestSummary, Run } from '@slipway/api';

/** A branch or pull request with the latest run of each pipeline on it. */
export interface RefRuns {
  /** The branch name, or the pull request number. */
  readonly ref: string | number;
  /** The pull request's title, when its runs recorded one. */
  readonly title: string | null;
  /** The latest run per pipeline, by pipeline name. */
  readonly runs: readonly Run[];
  /** When the latest of those runs was created. */
  readonly latestAt: number;
  /** True for a pull request its forge's events said was closed (merged or not). */
  readonly closed?: boolean;
}

/** The latest run per pipeline of each branch, and of each pull request, most recent first. */
export interface LatestRuns {
  readonly branches: readonly RefRuns[];
  readonly pulls: readonly RefRuns[];
}

/**
 * Groups runs (any order) by branch and by pull request, keeping the latest run of each
 * pipeline there. A pull request's runs count for the pull request, not its branch; runs
 * of a tag, or of no ref (a commit given by id), count for neither.
 */
export function latestRuns(runs: readonly Run[]): LatestRuns {
  const branches = new Map<string, Map<string, Run>>();
  const pulls = new Map<number, Map<string, Run>>();
  const keep = <K>(groups: Map<K, Map<string, Run>>, key: K, run: Run) => {
    const group = groups.get(key) ?? new Map<string, Run>();
    groups.set(key, group);
    const seen = group.get(run.pipeline);
    if (seen === undefined || newer(run, seen)) group.set(run.pipeline, run);
  };
  for (const run of runs) {
    if (run.trigger.pr !== undefined) keep(pulls, run.trigger.pr, run);
    else if (run.trigger.branch !== undefined) keep(branches, run.trigger.branch, run);
  }
  return { branches: summarize(branches), pulls: summarize(pulls) };
}

function newer(a: Run, b: Run): boolean {
  return a.createdAt !== b.createdAt ? a.createdAt > b.createdAt : a.number > b.number;
}

function summarize<K extends string | number>(groups: Map<K, Map<string, Run>>): RefRuns[] {
  return [...groups.entries()]
    .map(([ref, byPipeline]) => {
      const runs = [...byPipeline.values()].sort((a, b) => a.pipeline.localeCompare(b.pipeline));
      const latest = runs.reduce((a, b) => (newer(b, a) ? b : a));
      return {
        ref,
        title: runs.find((r) => r.trigger.title !== undefined)?.trigger.title ?? null,
        runs,
        latestAt: latest.createdAt,
      };
    })
    .sort((a, b) => b.latestAt - a.latestAt);
}

/**
 * Marks the pull requests whose recorded state is closed, and puts them after the open
 * ones (each part keeps its order). A pull request with no recorded state (no pull request
 * event received, only comments or runs by hand) counts as open.
 */
export function markClosedPulls(
  pulls: readonly RefRuns[],
  recorded: readonly PullRequestSummary[],
): RefRuns[] {
  const closed = new Set(recorded.filter((pr) => pr.state === 'closed').map((pr) => pr.number));
  const marked = pulls.map((entry) => ({ ...entry, closed: closed.has(Number(entry.ref)) }));
  return [...marked.filter((entry) => !entry.closed), ...marked.filter((entry) => entry.closed)];
}
