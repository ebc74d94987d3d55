import {
  CommitState,
  MergeStatus,
  type MergeMethod,
  type PullRequestInfo,
  type PullRequestMerge,
} from '@slipway/core';

/** One check of the recorded head commit: the latest status of one pipeline there. */
export interface MergeCheck {
  /** `slipway/<pipeline>`. */
  readonly context: string;
  readonly state: CommitState;
  /** The status's description (`succeeded`, `skipped`, …). */
  readonly description: string;
}

/** One user who commented `/approve`, and whether their project role still allows it. */
export interface MergeApproval {
  readonly user: string;
  /** True while the user has the developer role (or admin) on the project. */
  readonly allowed: boolean;
}

/** What the merge decision looks at, all read before it is made. */
export interface MergeFacts {
  /** The project's merge method; null when auto-merge is off. */
  readonly autoMerge: MergeMethod | null;
  /** The merge methods the project's forge takes. */
  readonly supportedMethods: readonly MergeMethod[];
  /** The pull request as the forge shows it now, or why it could not be read. */
  readonly live: PullRequestInfo | { readonly error: string };
  /** The head commit Slipway recorded (from pull request events and commands). */
  readonly recordedHead: string | null;
  /** The checks of the recorded head: the latest status of each pipeline there. */
  readonly checks: readonly MergeCheck[];
  readonly approvals: readonly MergeApproval[];
  /** Users whose `/hold` no `/hold cancel` took away. */
  readonly held: readonly string[];
  /** True while a fork's runs wait for `/ok-to-test`. */
  readonly waitingForOkToTest: boolean;
  /** The latest automatic merge recorded, if any. */
  readonly merge: PullRequestMerge | null;
}

/**
 * Where a pull request stands for auto-merge:
 * - `off`: the project does not merge by itself;
 * - `blocked`: some condition is unmet (each one in `reasons`);
 * - `ready`: every condition holds: queue the merge of `commit`;
 * - `merging`: a merge of the current head is queued in the outbox;
 * - `merged`: the pull request is merged;
 * - `failed`: merging the current head failed in a way the user must fix (in `reasons`).
 */
export const MergeState = {
  Off: 'off',
  Blocked: 'blocked',
  Ready: 'ready',
  Merging: 'merging',
  Merged: 'merged',
  Failed: 'failed',
} as const;
export type MergeState = (typeof MergeState)[keyof typeof MergeState];

/** The decision: the state, each reason it is not merging in plain words, and what to merge. */
export interface MergeDecision {
  readonly state: MergeState;
  /** Every unmet condition (or the failure), in plain words; empty when ready or merging. */
  readonly reasons: readonly string[];
  /** The head commit to merge (the recorded head); null when none is known. */
  readonly commit: string | null;
  readonly method: MergeMethod | null;
}

/** Check states that count as passed (a skipped pipeline reports success). */
function passed(check: MergeCheck): boolean {
  return check.state === CommitState.Success;
}

function short(commit: string): string {
  return commit.slice(0, 12);
}

/**
 * Decides whether a pull request merges by itself. Required checks are every pipeline
 * that reported a status on the head commit (a pipeline its filters skipped reports
 * success); at least one must have. The conditions: auto-merge is on with a method the
 * forge takes; the pull request is open at the forge and its head there is the head
 * whose checks were read; every check succeeded; someone with the developer role
 * commented `/approve`; nobody's `/hold` stands; no fork's runs wait for `/ok-to-test`.
 * A merge already queued for the head is `merging`; one that failed for the head stays
 * `failed` until a new head or a new `/approve` (the caller clears it). Pure.
 */
export function decideMerge(facts: MergeFacts): MergeDecision {
  const method = facts.autoMerge;
  const head = facts.recordedHead;
  const decided = (state: MergeState, reasons: readonly string[]): MergeDecision => ({
    state,
    reasons,
    commit: head,
    method,
  });
  if (method === null) {
    return decided(MergeState.Off, [
      'auto-merge is off for this project (a project admin turns it on with `slipway project auto-merge PROJECT --on`)',
    ]);
  }
  const { live } = facts;
  if (!('error' in live) && live.state === 'merged') return decided(MergeState.Merged, []);

  const reasons: string[] = [];
  if (!facts.supportedMethods.includes(method)) {
    reasons.push(
      `the forge cannot merge by ${method}: choose ${facts.supportedMethods.join(' or ')} with \`slipway project auto-merge PROJECT --method\``,
    );
  }
  if ('error' in live) {
    reasons.push(`the pull request could not be read from the forge: ${live.error}`);
  } else if (live.state === 'closed') {
    reasons.push('the pull request is closed');
  }
  if (head === null) {
    reasons.push('no head commit is known yet: no pull request event or command was received');
  } else if (!('error' in live) && live.headCommit !== head) {
    reasons.push(
      `the head moved to ${short(live.headCommit)} since the checks ran on ${short(head)}; its checks have not reported yet`,
    );
  }
  if (head !== null && facts.checks.length === 0) {
    reasons.push(`no check has reported on ${short(head)} yet`);
  }
  for (const check of facts.checks) {
    if (!passed(check))
      reasons.push(`check ${check.context} is ${check.state} (${check.description})`);
  }
  const approvedBy = facts.approvals.filter((approval) => approval.allowed);
  if (approvedBy.length === 0) {
    const lapsed = facts.approvals.map((approval) => approval.user);
    reasons.push(
      lapsed.length === 0
        ? 'nobody with the developer role has commented /approve'
        : `the /approve of ${lapsed.join(', ')} no longer counts: they lack the developer role now`,
    );
  }
  if (facts.held.length > 0) {
    reasons.push(`held by ${facts.held.join(', ')}: /hold cancel takes the hold away`);
  }
  if (facts.waitingForOkToTest) {
    reasons.push("the fork's runs wait for /ok-to-test from a project member");
  }
  if (reasons.length > 0) return decided(MergeState.Blocked, reasons);

  const merge = facts.merge;
  if (merge !== null && merge.commit === head) {
    switch (merge.status) {
      case MergeStatus.Queued:
        return decided(MergeState.Merging, []);
      case MergeStatus.Merged:
        return decided(MergeState.Merged, []);
      case MergeStatus.Failed:
        return decided(MergeState.Failed, [
          `merging ${short(merge.commit)} failed: ${merge.lastError ?? 'the forge refused'}; fix it, then push or comment /approve to try again`,
        ]);
      case MergeStatus.Dropped:
        break;
    }
  }
  return decided(MergeState.Ready, []);
}
