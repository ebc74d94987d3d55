import type { ControlStore, Project, ClaimedTriggerEvent } from '@slipway/core';
import type { ProjectForges } from '../forges/project-forges.js';
import type { NormalizedTrigger } from '../triggers/normalized-trigger.js';

/**
 * The fork policy of projects that report to their forge: a fork's pull request starts
 * no runs until a project member comments `/ok-to-test`. Records the event as the one the
 * pull request's runs wait for (a later push to the fork replaces it) and says so on the
 * pull request. Projects without forge settings cannot take the command, so their forks'
 * runs start at once, untrusted (without secrets). Answers whether the runs wait.
 */
export async function holdForkRuns(
  store: ControlStore,
  forges: ProjectForges,
  project: Project,
  event: ClaimedTriggerEvent,
  trigger: NormalizedTrigger,
  now: () => number,
): Promise<boolean> {
  const number = trigger.facts.pr;
  if (number === undefined) return false;
  const forge = await forges.clientFor(project.id);
  if (forge === null) return false;
  await store.updatePullRequest(project.id, number, (current) => ({
    ...current,
    headCommit: trigger.facts.commit,
    waitingEventId: event.id,
    updatedAt: now(),
  }));
  await forge.client
    .commentOnPullRequest(
      number,
      'Slipway: this pull request comes from a fork, so its pipelines wait until a project member comments `/ok-to-test`. They then run without secrets.',
    )
    .catch(() => undefined);
  return true;
}
