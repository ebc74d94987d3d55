import { TriggerKind, type Project } from '@slipway/core';
import { openControlStore } from '@slipway/store';
import { afterEach, describe, expect, it } from 'vitest';
import type { NormalizedTrigger } from './normalized-trigger.js';
import { recordPullRequestState } from './record-pull-request-state.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function pullRequestEvent(action: string): NormalizedTrigger {
  return {
    candidate: { kind: TriggerKind.PullRequest, action, changedPaths: null },
    facts: { event: 'pull_request', pr: 7, commit: 'a'.repeat(40) },
    diffBase: null,
    untrusted: false,
  };
}

describe('recordPullRequestState', () => {
  it('keeps the state of the event received last, whatever order they are handled in', async () => {
    const store = await openControlStore(':memory:');
    closers.push(() => store.close());
    const project: Project = await store.createProject({
      name: 'shop',
      source: '/repo',
      defaultBranch: 'main',
    });
    const record = (action: string, receivedAt: number) =>
      recordPullRequestState(store, project, pullRequestEvent(action), { receivedAt, now: 500 });
    const state = async () => (await store.findPullRequest(project.id, 7))?.state;

    await record('opened', 100);
    expect(await state()).toBe('open');
    await record('closed', 300);
    expect(await state()).toBe('closed');
    // A redelivered "opened", received before the close but handled after it.
    await record('opened', 200);
    expect(await state()).toBe('closed');
    await record('reopened', 400);
    expect(await state()).toBe('open');
    expect(await store.findPullRequest(project.id, 7)).toMatchObject({ stateAt: 400 });
    // Events that say nothing of the state leave it alone.
    await record('labeled', 450);
    expect(await store.findPullRequest(project.id, 7)).toMatchObject({
      state: 'open',
      stateAt: 400,
    });
  });
});
