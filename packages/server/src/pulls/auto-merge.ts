import {
  MergeStatus,
  ProjectRole,
  PullRequestLabel,
  roleAllows,
  type ControlStore,
  type PullRequestInfo,
  type PullRequestRecord,
} from '@slipway/core';
import { MERGE_METHODS } from '../forges/create-forge-client.js';
import type { ProjectForgeClient, ProjectForges } from '../forges/project-forges.js';
import { latestChecks, type LatestCheck } from './latest-checks.js';
import { decideMerge, MergeState, type MergeDecision } from './merge-decision.js';

/** A pull request's merge decision with what it was made from. */
export interface MergeStatusView {
  readonly decision: MergeDecision;
  readonly record: PullRequestRecord | null;
  readonly checks: readonly LatestCheck[];
}

/** Options of {@link AutoMerge}. */
export interface AutoMergeOptions {
  readonly now: () => number;
  /** Called when a merge was queued, to wake the merge loop. */
  readonly onQueued?: () => void;
}

/**
 * Reads what the merge decision needs (the project's auto-merge setting, the pull request
 * at the forge, the record PR commands keep, the checks of the recorded head, the roles
 * of the approvers) and, when {@link evaluate} finds a pull request ready, queues its
 * merge in the merge outbox (the pull request's record), once per head commit. The merge
 * loop carries it out; this class never calls the forge's merge API.
 */
export class AutoMerge {
  constructor(
    private readonly store: ControlStore,
    private readonly forges: ProjectForges,
    private readonly options: AutoMergeOptions,
  ) {}

  /** The decision for a pull request now. Reads the forge; never changes anything. */
  async status(projectId: string, number: number): Promise<MergeStatusView> {
    const settings = await this.store.findProjectForge(projectId);
    const record = await this.store.findPullRequest(projectId, number);
    const head = record?.headCommit ?? null;
    const checks =
      head === null ? [] : latestChecks(await this.store.listCommitStatuses(projectId, head));
    let forge: ProjectForgeClient | null = null;
    let live: PullRequestInfo | { error: string } = { error: 'the project reports to no forge' };
    try {
      forge = await this.forges.clientFor(projectId);
      if (forge !== null) live = await forge.client.getPullRequest(number);
    } catch (error) {
      live = { error: error instanceof Error ? error.message : String(error) };
    }
    const approvals = await Promise.all(
      (record?.labels[PullRequestLabel.Approved] ?? []).map(async (user) => {
        const role = await this.store.findRole(projectId, user);
        return { user, allowed: role !== null && roleAllows(role, ProjectRole.Developer) };
      }),
    );
    const decision = decideMerge({
      autoMerge: settings?.autoMerge ?? null,
      supportedMethods: forge === null ? [] : MERGE_METHODS[forge.forge],
      live,
      recordedHead: head,
      checks,
      approvals,
      held: record?.labels[PullRequestLabel.Held] ?? [],
      waitingForOkToTest: (record?.waitingEventId ?? null) !== null,
      merge: record?.merge ?? null,
    });
    return { decision, record, checks };
  }

  /**
   * Decides, and queues the merge of a ready pull request's head (unless one is queued or
   * settled for that head already). Answers the decision after queuing. Does not read the
   * forge when the project's auto-merge is off.
   */
  async evaluate(projectId: string, number: number): Promise<MergeDecision> {
    // Most projects never merge by themselves: spare their forge the read.
    const settings = await this.store.findProjectForge(projectId);
    if ((settings?.autoMerge ?? null) === null) {
      return { state: MergeState.Off, reasons: [], commit: null, method: null };
    }
    const { decision } = await this.status(projectId, number);
    const { commit, method } = decision;
    if (decision.state !== MergeState.Ready || commit === null || method === null) {
      return decision;
    }
    const outcome = { queued: false };
    await this.store.updatePullRequest(projectId, number, (current) => {
      const merge = current.merge;
      const settled =
        merge !== null && merge.commit === commit && merge.status !== MergeStatus.Dropped;
      if (current.headCommit !== commit || settled) return current;
      outcome.queued = true;
      const now = this.options.now();
      return {
        ...current,
        merge: {
          commit,
          method,
          status: MergeStatus.Queued,
          attempts: 0,
          nextAttemptAt: now,
          lastError: null,
          updatedAt: now,
        },
        updatedAt: now,
      };
    });
    if (!outcome.queued) return decision;
    this.options.onQueued?.();
    return { ...decision, state: MergeState.Merging };
  }
}
