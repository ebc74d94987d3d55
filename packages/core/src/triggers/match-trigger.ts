import picomatch from 'picomatch';
import type { OnSpec } from '../spec/pipeline-schema.js';
import { cronSchedules, scheduleKey, type CronSchedule } from './cron-ticks.js';

/** What kind of event a trigger candidate is; see {@link TriggerCandidate}. */
export const TriggerKind = {
  Push: 'push',
  Tag: 'tag',
  PullRequest: 'pull_request',
  Release: 'release',
  Manual: 'manual',
  /** A tick of one of a pipeline's `on.cron` schedules. */
  Cron: 'cron',
  /** A run of some pipeline ended (`on.pipeline`). */
  PipelineCompletion: 'pipeline',
} as const;
export type TriggerKind = (typeof TriggerKind)[keyof typeof TriggerKind];

/** Pull request actions that start a run when `pull_request.types` is not given. */
export const DEFAULT_PULL_REQUEST_TYPES: readonly string[] = ['opened', 'synchronize', 'reopened'];

/**
 * The facts of one event that `on` filters look at. `changedPaths` is null when they are
 * not known (a new branch, a push too large for its payload to list every file).
 */
export interface TriggerCandidate {
  readonly kind: TriggerKind;
  /** The pushed branch (push), or the head branch of a pull request. */
  readonly branch?: string | undefined;
  /** The pushed tag (tag), or the release's tag (release). */
  readonly tag?: string | undefined;
  /** The branch a pull request goes into. */
  readonly baseBranch?: string | undefined;
  /** The pull request action: opened, synchronize, reopened, closed, labeled, … */
  readonly action?: string | undefined;
  readonly changedPaths: readonly string[] | null;
  /** The schedule that ticked (cron). */
  readonly cron?: CronSchedule | undefined;
  /** The run that ended (pipeline completion). */
  readonly completion?: CompletedRun | undefined;
  /** The name of the project whose pipelines are matched: `on.pipeline`'s default project. */
  readonly project?: string | undefined;
}

/** A run that ended, as `on.pipeline` filters see it. */
export interface CompletedRun {
  /** The name of the run's project. */
  readonly project: string;
  readonly pipeline: string;
  /** The run's final status: succeeded, failed, cancelled or timed_out. */
  readonly status: string;
}

/** Whether a pipeline's `on` lets an event start a run, and why not when it does not. */
export type TriggerMatch =
  { readonly matches: true } | { readonly matches: false; readonly reason: string };

const MATCH: TriggerMatch = { matches: true };
const GLOB_OPTIONS = { dot: true } as const;

/**
 * Whether `matchTrigger` looks at the changed files of a push or pull request under
 * this `on`: only `paths` and `paths-ignore` filters do, so without them nobody needs to
 * work out which files changed.
 */
export function filtersPaths(on: OnSpec | undefined): boolean {
  return [on?.push, on?.pull_request].some(
    (filter) =>
      typeof filter === 'object' &&
      filter !== null &&
      (filter.paths !== undefined || filter['paths-ignore'] !== undefined),
  );
}

/**
 * Applies a pipeline's `on` to an event (pure). Without `on`, pushes of branches and
 * tags, pull requests with the default actions and manual runs match. With `on`, only
 * the events it lists do, narrowed by their filters:
 *
 * - `branches`/`branches-ignore` apply to branch pushes and to a pull request's base
 *   branch; `tags`/`tags-ignore` to tag pushes. A push filter that names only tag
 *   filters takes no branch pushes, and one that names only branch filters takes no tag
 *   pushes.
 * - `paths` needs one changed file matching; `paths-ignore` skips when every changed
 *   file matches. Path filters do not apply to tag pushes, and do not block an event
 *   whose changed files are unknown.
 * - releases have no key of their own: a release's tag arrives as a tag push.
 */
export function matchTrigger(on: OnSpec | undefined, event: TriggerCandidate): TriggerMatch {
  switch (event.kind) {
    case TriggerKind.Manual:
      return on === undefined || on.manual === true
        ? MATCH
        : noMatch('`on` does not list `manual: true`');
    case TriggerKind.Release:
      return noMatch('releases start no runs; the release tag starts them as a tag push');
    case TriggerKind.Push:
    case TriggerKind.Tag:
      return matchPush(on, event);
    case TriggerKind.PullRequest:
      return matchPullRequest(on, event);
    case TriggerKind.Cron:
      return matchCron(on, event);
    case TriggerKind.PipelineCompletion:
      return matchCompletion(on, event);
  }
}

function matchCron(on: OnSpec | undefined, event: TriggerCandidate): TriggerMatch {
  const ticked = event.cron;
  if (ticked === undefined) return noMatch('the tick names no schedule');
  const schedules = cronSchedules(on);
  if (schedules.length === 0) return noMatch('`on` does not list `cron`');
  const key = scheduleKey(ticked);
  return schedules.some((schedule) => scheduleKey(schedule) === key)
    ? MATCH
    : noMatch(`\`on.cron\` no longer lists ${key}`);
}

function matchCompletion(on: OnSpec | undefined, event: TriggerCandidate): TriggerMatch {
  const run = event.completion;
  if (run === undefined) return noMatch('the event names no run');
  const filters = on?.pipeline ?? [];
  if (filters.length === 0) return noMatch('`on` does not list `pipeline`');
  const own = event.project;
  const matched = filters.some(
    (filter) =>
      (filter.project ?? own) === run.project &&
      filter.name === run.pipeline &&
      (filter.status ?? ['succeeded']).includes(run.status as 'succeeded'),
  );
  return matched
    ? MATCH
    : noMatch(
        `no \`on.pipeline\` entry takes a ${run.status} run of ${run.project}/${run.pipeline}`,
      );
}

function matchPush(on: OnSpec | undefined, event: TriggerCandidate): TriggerMatch {
  if (on === undefined) return MATCH;
  const push = on.push;
  if (push === undefined) return noMatch('`on` does not list `push`');
  if (push === false) return noMatch('`on.push` is false');
  if (push === null || push === true) return MATCH;
  const hasBranchFilters = push.branches !== undefined || push['branches-ignore'] !== undefined;
  const hasTagFilters = push.tags !== undefined || push['tags-ignore'] !== undefined;
  if (event.kind === TriggerKind.Tag) {
    const tag = event.tag ?? '';
    if (hasBranchFilters && !hasTagFilters) {
      return noMatch(`tag ${tag}: \`on.push\` filters branches only`);
    }
    return filterNames('tag', tag, push.tags, push['tags-ignore'], 'on.push');
  }
  const branch = event.branch ?? '';
  if (hasTagFilters && !hasBranchFilters) {
    return noMatch(`branch ${branch}: \`on.push\` filters tags only`);
  }
  const names = filterNames('branch', branch, push.branches, push['branches-ignore'], 'on.push');
  if (!names.matches) return names;
  return filterPaths(event.changedPaths, push.paths, push['paths-ignore'], 'on.push');
}

function matchPullRequest(on: OnSpec | undefined, event: TriggerCandidate): TriggerMatch {
  const action = event.action ?? '';
  if (on !== undefined) {
    const filter = on.pull_request;
    if (filter === undefined) return noMatch('`on` does not list `pull_request`');
    if (filter === false) return noMatch('`on.pull_request` is false');
    if (filter !== null && filter !== true) {
      const types = filter.types ?? DEFAULT_PULL_REQUEST_TYPES;
      if (!types.includes(action)) {
        return noMatch(`pull request action ${action} is not in \`on.pull_request.types\``);
      }
      const base = event.baseBranch ?? '';
      const names = filterNames(
        'base branch',
        base,
        filter.branches,
        filter['branches-ignore'],
        'on.pull_request',
      );
      if (!names.matches) return names;
      return filterPaths(
        event.changedPaths,
        filter.paths,
        filter['paths-ignore'],
        'on.pull_request',
      );
    }
  }
  return DEFAULT_PULL_REQUEST_TYPES.includes(action)
    ? MATCH
    : noMatch(
        `pull request action ${action} starts no run by default (${DEFAULT_PULL_REQUEST_TYPES.join(', ')} do)`,
      );
}

function filterNames(
  what: string,
  name: string,
  include: readonly string[] | undefined,
  exclude: readonly string[] | undefined,
  key: string,
): TriggerMatch {
  if (include !== undefined && !matchesAny(name, include)) {
    return noMatch(`${what} ${name} matches none of \`${key}\` ${listOf(include)}`);
  }
  if (exclude !== undefined && matchesAny(name, exclude)) {
    return noMatch(`${what} ${name} matches an ignored pattern of \`${key}\` ${listOf(exclude)}`);
  }
  return MATCH;
}

function filterPaths(
  changed: readonly string[] | null,
  include: readonly string[] | undefined,
  exclude: readonly string[] | undefined,
  key: string,
): TriggerMatch {
  if (changed === null) return MATCH;
  if (include !== undefined && !changed.some((path) => matchesAny(path, include))) {
    return noMatch(`no changed file matches \`${key}.paths\` ${listOf(include)}`);
  }
  if (exclude !== undefined && changed.every((path) => matchesAny(path, exclude))) {
    return noMatch(`every changed file matches \`${key}.paths-ignore\` ${listOf(exclude)}`);
  }
  return MATCH;
}

const matchers = new Map<string, (value: string) => boolean>();

function matchesAny(value: string, globs: readonly string[]): boolean {
  const key = globs.join('\u0000');
  let matcher = matchers.get(key);
  if (matcher === undefined) {
    if (matchers.size >= 1000) matchers.clear();
    matcher = picomatch([...globs], GLOB_OPTIONS);
    matchers.set(key, matcher);
  }
  return matcher(value);
}

function listOf(globs: readonly string[]): string {
  return `[${globs.join(', ')}]`;
}

function noMatch(reason: string): TriggerMatch {
  return { matches: false, reason };
}
