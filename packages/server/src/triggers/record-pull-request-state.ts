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
 * web UI must not list it as open afterwards. Events are ordered by when they were
 * received: one received before the event that set the state (handled late, a
 * redelivery, say) leaves it alone.
 */
export async function recordPullRequestState(
  store: ControlStore,
  project: Project,
  trigger: NormalizedTrigger,
  times: { readonly receivedAt: number; readonly now: number },
): Promise<void> {
  const state = pullRequestStateOf(trigger);
  const number = trigger.facts.pr;
  if (state === null || number === undefined) return;
  const { receivedAt, now } = times;
  await store.updatePullRequest(project.id, number, (current) => {
    if (current.stateAt !== null && current.stateAt > receivedAt) return current;
    if (current.state === state && current.stateAt === receivedAt) return current;
    return { ...current, state, stateAt: receivedAt, updatedAt: now };
  });
}
