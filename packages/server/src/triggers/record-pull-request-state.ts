import { PullRequestState, TriggerKind, type ControlStore, type Project } from '@slipway/core';
import type { NormalizedTrigger } from './normalized-trigger.js';

/**
 * Pull request actions (as `on.pull_request.types` names them, whichever the forge) that
 * tell whether the pull request is open. Others (edited, labeled, …) tell nothing.
 */
const STATE_OF_ACTION: Readonly<Record<string, PullRequestState>> = {
  opened: PullRequestState.Open,
  reopened: PullRequestState.Open,
  synchronize: PullRequestState.Open,
  closed: PullRequestState.Closed,
};

/** Whether a pull request event says its pull request is open or closed; null if neither. */
export function pullRequestStateOf(trigger: NormalizedTrigger): PullRequestState | null {
  if (trigger.candidate.kind !== TriggerKind.PullRequest) return null;
  return STATE_OF_ACTION[trigger.candidate.action ?? ''] ?? null;
}

/**
 * Records on the pull request's record whether it is open or closed, when its event says,
 * before any run starts: a closed pull request's event may start no run at all, and the
 * web UI must not list it as open afterwards.
 */
export async function recordPullRequestState(
  store: ControlStore,
  project: Project,
  trigger: NormalizedTrigger,
  now: number,
): Promise<void> {
  const state = pullRequestStateOf(trigger);
  const number = trigger.facts.pr;
  if (state === null || number === undefined) return;
  await store.updatePullRequest(project.id, number, (current) =>
    current.state === state ? current : { ...current, state, updatedAt: now },
  );
}
