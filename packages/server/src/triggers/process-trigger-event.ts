import {
  compilePipeline,
  filtersPaths,
  isUserError,
  matchTrigger,
  TriggerKind,
  TriggerEventStatus,
  TriggerSource,
  type Plan,
  type Project,
  type ClaimedTriggerEvent,
} from '@slipway/core';
import { startRun, type CreateRunContext } from '../runs/create-run.js';
import { normalizeEvent } from './normalize-event.js';
import { normalizeScheduled } from './normalize-scheduled.js';
import type { NormalizedTrigger, PullRequestComment } from './normalized-trigger.js';
import { recordPullRequestState } from './record-pull-request-state.js';

/** What pull request commands add to handling trigger events. */
export interface TriggerHooks {
  /** Handles a new pull request comment (its commands). */
  readonly onComment?: (
    project: Project,
    comment: PullRequestComment,
    event: ClaimedTriggerEvent,
  ) => Promise<TriggerEventResult>;
  /**
   * Called before a fork's pull request starts runs; true when they must wait for
   * `/ok-to-test` (the hook records the waiting event), so none start now.
   */
  readonly holdUntrusted?: (
    project: Project,
    event: ClaimedTriggerEvent,
    trigger: NormalizedTrigger,
  ) => Promise<boolean>;
}

/** How handling a trigger event ended. */
export interface TriggerEventResult {
  readonly status: Exclude<TriggerEventStatus, 'pending'>;
  readonly outcome: string;
  readonly runIds: readonly string[];
  /** The event of the runs created (push, pull_request), or null when none were. */
  readonly event: string | null;
  /** The commit the event builds, once known; null when the payload did not lead to one. */
  readonly commit?: string;
  /**
   * Pipelines whose `on` filters skipped a push of a branch or a pull request's new head
   * (opened, synchronize, reopened): what commit statuses report as skipped.
   */
  readonly skipped?: readonly string[];
  /** The pull request the event is about, if any. */
  readonly pr?: number;
}

/** Pull request actions that give it a new head commit. */
const NEW_HEAD_ACTIONS: readonly string[] = ['opened', 'synchronize', 'reopened'];

const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;
const BASE_REF = /^(?:[0-9a-f]{40}(?:[0-9a-f]{24})?|refs\/heads\/[^\s~^:?*[\\-][^\s~^:?*[\\]*)$/i;

/**
 * Handles one stored trigger event: reads its payload into trigger facts, fetches the
 * commit it builds (a pull request's head commit), loads the pipelines of that commit,
 * applies each pipeline's `on` and starts a run of each that matches, with the facts
 * (a fork's pull request runs untrusted: no secrets). The result says which runs were
 * created and why each other pipeline was not run. Problems of the event or the
 * repository (an unknown commit, a pipeline that does not compile) are results, not
 * exceptions; anything else (the store failing) throws, and the event stays pending.
 */
export async function processTriggerEvent(
  context: CreateRunContext,
  event: ClaimedTriggerEvent,
  hooks: TriggerHooks & { readonly allowUntrusted?: boolean } = {},
): Promise<TriggerEventResult> {
  const project = await context.store.findProject(event.projectId);
  if (project === null) return failed('the project no longer exists');
  const payload: unknown = JSON.parse(event.payload);
  const normalized =
    event.source === TriggerSource.Cron || event.source === TriggerSource.Pipeline
      ? normalizeScheduled(project, event.kind, payload)
      : normalizeEvent(
          // Polling stores its pushes in Slipway's own format.
          event.source === TriggerSource.Poll ? TriggerSource.Generic : event.source,
          event.kind,
          payload,
        );
  if ('ignored' in normalized) return ignored(normalized.ignored);
  try {
    if ('comment' in normalized) {
      if (hooks.onComment === undefined) return ignored('comments start no runs');
      return await hooks.onComment(project, normalized.comment, event);
    }
    const trigger = normalized.trigger;
    // A held fork event started later by /ok-to-test tells nothing new about its state.
    if (hooks.allowUntrusted !== true) {
      await recordPullRequestState(context.store, project, trigger, {
        receivedAt: event.receivedAt,
        now: context.now(),
      });
    }
    if (
      trigger.untrusted &&
      hooks.allowUntrusted !== true &&
      hooks.holdUntrusted !== undefined &&
      (await hooks.holdUntrusted(project, event, trigger))
    ) {
      return {
        ...ignored(
          `pull request #${trigger.facts.pr ?? '?'} comes from a fork: its runs wait for /ok-to-test from a project member`,
        ),
        ...(trigger.facts.pr !== undefined ? { pr: trigger.facts.pr } : {}),
      };
    }
    return await runMatching(context, project, trigger);
  } catch (error) {
    if (isUserError(error)) return failed(error.message);
    throw error;
  }
}

async function runMatching(
  context: CreateRunContext,
  project: Project,
  trigger: NormalizedTrigger,
): Promise<TriggerEventResult> {
  const { repositories } = context;
  let commit: string;
  if (trigger.headOf !== undefined) {
    commit = (await repositories.resolve(project.source, `refs/heads/${trigger.headOf}`)).commit;
  } else {
    if (!COMMIT_ID.test(trigger.facts.commit)) {
      return failed(`the payload names no commit id (got "${trigger.facts.commit.slice(0, 80)}")`);
    }
    commit = await repositories.fetchCommit(project.source, trigger.facts.commit);
  }
  const facts = { ...trigger.facts, commit };
  const notes: string[] = [];
  const skipped: string[] = [];
  const loaded = await context.pipelines.load(project.source, commit);
  for (const problem of loaded.diagnostics) {
    notes.push(`${problem.file}:${problem.line}: ${problem.message}`);
  }
  const matched: Plan[] = [];
  const considered =
    trigger.pipeline === undefined
      ? loaded.pipelines
      : loaded.pipelines.filter((source) => source.name === trigger.pipeline);
  if (trigger.pipeline !== undefined && considered.length === 0) {
    notes.push(`${trigger.pipeline}: no such pipeline at ${commit.slice(0, 12)}`);
  }
  let candidate = { ...trigger.candidate, project: project.name };
  if (
    candidate.changedPaths === null &&
    trigger.diffBase !== null &&
    BASE_REF.test(trigger.diffBase) &&
    considered.some((source) => filtersPaths(source.pipeline.spec.on))
  ) {
    const changed = await repositories.changedFiles(project.source, trigger.diffBase, commit);
    candidate = { ...candidate, changedPaths: changed };
  }
  const newHead =
    candidate.kind === TriggerKind.Push ||
    (candidate.kind === TriggerKind.PullRequest &&
      NEW_HEAD_ACTIONS.includes(candidate.action ?? ''));
  for (const source of considered) {
    const match = matchTrigger(source.pipeline.spec.on, candidate);
    if (!match.matches) {
      notes.push(`${source.name}: ${match.reason}`);
      if (newHead) skipped.push(source.name);
      continue;
    }
    const ended = candidate.completion;
    if (ended?.project === project.name && ended.pipeline === source.name) {
      notes.push(`${source.name}: a pipeline's own runs do not start it again`);
      continue;
    }
    const compiled = compilePipeline(source.pipeline, {
      params: {},
      trigger: facts,
      templates: source.templates,
      ...(source.inferredFrom ? { inferredFrom: source.inferredFrom } : {}),
    });
    if (compiled.ok) matched.push(compiled.plan);
    else {
      const first = compiled.diagnostics[0];
      notes.push(
        `${source.name}: does not compile${first ? ` (${first.file}:${first.line}: ${first.message})` : ''}`,
      );
    }
  }

  const created: string[] = [];
  const runIds: string[] = [];
  for (const plan of matched) {
    const run = await startRun(context, {
      projectId: project.id,
      plan,
      trigger: facts,
      trusted: !trigger.untrusted,
    });
    runIds.push(run.id);
    created.push(
      `${run.pipeline} run #${run.number}${trigger.untrusted ? ' (untrusted: fork)' : ''}`,
    );
  }
  const where = facts.commit.slice(0, 12);
  if (runIds.length > 0) {
    return {
      status: TriggerEventStatus.Processed,
      outcome: [`started ${created.join(', ')} at ${where}`, ...notes].join('; '),
      runIds,
      event: facts.event,
      commit,
      skipped,
      ...(facts.pr !== undefined ? { pr: facts.pr } : {}),
    };
  }
  const compileProblems = notes.some((note) => note.includes('does not compile'));
  if (compileProblems || loaded.diagnostics.length > 0) {
    return failed([`no run started at ${where}`, ...notes].join('; '));
  }
  return {
    ...ignored(notes.length > 0 ? notes.join('; ') : `no pipeline at ${where}`),
    commit,
    skipped,
    ...(facts.pr !== undefined ? { pr: facts.pr } : {}),
  };
}

function ignored(outcome: string): TriggerEventResult {
  return { status: TriggerEventStatus.Ignored, outcome, runIds: [], event: null };
}

function failed(outcome: string): TriggerEventResult {
  return { status: TriggerEventStatus.Failed, outcome, runIds: [], event: null };
}
