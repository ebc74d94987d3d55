import { CommitState, MergeStatus, type PullRequestInfo } from '@slipway/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideMerge, MergeState, type MergeFacts } from './merge-decision.js';

const HEAD = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);

const openPr: PullRequestInfo = {
  number: 7,
  title: 'Add a cart',
  headCommit: HEAD,
  headBranch: 'feature/cart',
  baseBranch: 'main',
  fork: false,
  state: 'open',
};

/** Every condition met. */
const ready: MergeFacts = {
  autoMerge: 'squash',
  supportedMethods: ['merge', 'squash', 'rebase'],
  live: openPr,
  recordedHead: HEAD,
  checks: [
    { context: 'slipway/ci', state: CommitState.Success, description: 'succeeded' },
    { context: 'slipway/docs', state: CommitState.Success, description: 'skipped' },
  ],
  approvals: [{ user: 'alice', allowed: true }],
  held: [],
  waitingForOkToTest: false,
  merge: null,
};

describe('the auto-merge decision', () => {
  it('is ready when every condition holds, with the head and method to merge', () => {
    expect(decideMerge(ready)).toEqual({
      state: MergeState.Ready,
      reasons: [],
      commit: HEAD,
      method: 'squash',
    });
  });

  const blocked: [string, Partial<MergeFacts>, string][] = [
    ['a hold', { held: ['bob'] }, 'held by bob: /hold cancel takes the hold away'],
    [
      'a red check',
      {
        checks: [{ context: 'slipway/lint', state: CommitState.Failure, description: 'failed' }],
      },
      'check slipway/lint is failure (failed)',
    ],
    [
      'a running check',
      {
        checks: [{ context: 'slipway/ci', state: CommitState.Running, description: 'running' }],
      },
      'check slipway/ci is running (running)',
    ],
    ['no check at all', { checks: [] }, `no check has reported on ${HEAD.slice(0, 12)} yet`],
    [
      'a head that moved',
      { live: { ...openPr, headCommit: OTHER } },
      `the head moved to ${OTHER.slice(0, 12)} since the checks ran on ${HEAD.slice(0, 12)}; its checks have not reported yet`,
    ],
    ['no approval', { approvals: [] }, 'nobody with the developer role has commented /approve'],
    [
      'an approval whose role lapsed',
      { approvals: [{ user: 'carol', allowed: false }] },
      'the /approve of carol no longer counts: they lack the developer role now',
    ],
    [
      'a fork waiting for /ok-to-test',
      { waitingForOkToTest: true },
      "the fork's runs wait for /ok-to-test from a project member",
    ],
    [
      'a closed pull request',
      { live: { ...openPr, state: 'closed' } },
      'the pull request is closed',
    ],
    [
      'a forge that cannot be read',
      { live: { error: 'gitea.example answered 502' } },
      'the pull request could not be read from the forge: gitea.example answered 502',
    ],
    [
      'a method the forge lacks',
      { autoMerge: 'rebase', supportedMethods: ['merge', 'squash'] },
      'the forge cannot merge by rebase: choose merge or squash with `slipway project auto-merge PROJECT --method`',
    ],
    [
      'no recorded head',
      { recordedHead: null, checks: [] },
      'no head commit is known yet: no pull request event or command was received',
    ],
  ];
  it.each(blocked)('is blocked by %s, saying so', (_, change, reason) => {
    const decision = decideMerge({ ...ready, ...change });
    expect(decision.state).toBe(MergeState.Blocked);
    expect(decision.reasons).toEqual([reason]);
  });

  it('lists every unmet condition at once', () => {
    const decision = decideMerge({
      ...ready,
      held: ['bob'],
      approvals: [],
      checks: [{ context: 'slipway/ci', state: CommitState.Error, description: 'cancelled' }],
    });
    expect(decision.reasons).toEqual([
      'check slipway/ci is error (cancelled)',
      'nobody with the developer role has commented /approve',
      'held by bob: /hold cancel takes the hold away',
    ]);
  });

  it('is off when the project has not turned it on, whatever else holds', () => {
    expect(decideMerge({ ...ready, autoMerge: null })).toMatchObject({
      state: MergeState.Off,
      reasons: [expect.stringContaining('auto-merge is off') as string],
    });
  });

  const merge = {
    commit: HEAD,
    method: 'squash',
    attempts: 0,
    nextAttemptAt: null,
    lastError: null,
    updatedAt: 1,
  } as const;
  it('tells a queued, merged, failed or dropped merge of the head apart', () => {
    const at = (status: MergeStatus, lastError: string | null = null) =>
      decideMerge({ ...ready, merge: { ...merge, status, lastError } });
    expect(at(MergeStatus.Queued).state).toBe(MergeState.Merging);
    expect(at(MergeStatus.Merged).state).toBe(MergeState.Merged);
    expect(at(MergeStatus.Dropped).state).toBe(MergeState.Ready);
    expect(at(MergeStatus.Failed, 'answered 405 (not mergeable)')).toMatchObject({
      state: MergeState.Failed,
      reasons: [
        `merging ${HEAD.slice(0, 12)} failed: answered 405 (not mergeable); fix it, then push or comment /approve to try again`,
      ],
    });
    // A merge of an older head says nothing about this one.
    expect(
      decideMerge({ ...ready, merge: { ...merge, commit: OTHER, status: MergeStatus.Failed } })
        .state,
    ).toBe(MergeState.Ready);
    expect(decideMerge({ ...ready, live: { ...openPr, state: 'merged' } }).state).toBe(
      MergeState.Merged,
    );
  });

  it('is ready exactly when nothing blocks, and then gives no reason', () => {
    const state = fc.constantFrom(...Object.values(CommitState));
    const facts = fc.record({
      checks: fc.array(fc.record({ context: fc.string(), state, description: fc.constant('x') }), {
        maxLength: 4,
      }),
      approvals: fc.array(fc.record({ user: fc.string(), allowed: fc.boolean() }), {
        maxLength: 3,
      }),
      held: fc.array(fc.string(), { maxLength: 2 }),
      waitingForOkToTest: fc.boolean(),
      liveHead: fc.constantFrom(HEAD, OTHER),
      liveState: fc.constantFrom<'open' | 'closed'>('open', 'closed'),
    });
    fc.assert(
      fc.property(facts, (f) => {
        const decision = decideMerge({
          ...ready,
          checks: f.checks,
          approvals: f.approvals,
          held: f.held,
          waitingForOkToTest: f.waitingForOkToTest,
          live: { ...openPr, headCommit: f.liveHead, state: f.liveState },
        });
        const clear =
          f.checks.length > 0 &&
          f.checks.every((check) => check.state === CommitState.Success) &&
          f.approvals.some((approval) => approval.allowed) &&
          f.held.length === 0 &&
          !f.waitingForOkToTest &&
          f.liveHead === HEAD &&
          f.liveState === 'open';
        expect(decision.state).toBe(clear ? MergeState.Ready : MergeState.Blocked);
        expect(decision.reasons.length === 0).toBe(clear);
      }),
    );
  });
});
