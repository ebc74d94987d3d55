import { TriggerEvent, TriggerKind, type TriggerCandidate, type TriggerFacts } from '@slipway/core';

/** What a trigger event means for pipelines, once its payload is read. */
export interface NormalizedTrigger {
  /** What `on` filters look at. */
  readonly candidate: TriggerCandidate;
  /** The facts given to the runs it creates; `commit` is the commit they build. */
  readonly facts: TriggerFacts & { readonly commit: string };
  /**
   * When the changed files are not in the payload: the commit to compare `commit` with
   * to find them (a push's previous commit, a pull request's base), if known.
   */
  readonly diffBase: string | null;
  /** True for a pull request from a fork: its runs get no secrets. */
  readonly untrusted: boolean;
  /**
   * When set, the commit to build is the head of this branch when the event is handled
   * (a cron tick, another pipeline's run ending); `facts.commit` is then empty.
   */
  readonly headOf?: string;
  /** When set, only the pipeline of this name is considered (a cron tick names its own). */
  readonly pipeline?: string;
}

/** A new comment on a pull request (a note on a GitLab merge request): it may hold commands. */
export interface PullRequestComment {
  readonly number: number;
  readonly body: string;
  /** The commenter's forge login. */
  readonly author: string;
}

/** A payload read: a trigger, a pull request comment, or why the event starts nothing. */
export type NormalizeResult =
  | { readonly trigger: NormalizedTrigger }
  | { readonly comment: PullRequestComment }
  | { readonly ignored: string };

/** The commit id forges send for "none" (a created or deleted ref). */
export const ZERO_COMMIT = /^0+$/;

/** `refs/heads/NAME` → branch NAME, `refs/tags/NAME` → tag NAME. */
export function splitRef(ref: string): { branch?: string; tag?: string } {
  if (ref.startsWith('refs/heads/')) return { branch: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { tag: ref.slice('refs/tags/'.length) };
  return {};
}

/** Files added, modified or removed by the commits of a push, each once, in order. */
export function changedFiles(
  commits: readonly {
    readonly added?: readonly string[] | undefined;
    readonly modified?: readonly string[] | undefined;
    readonly removed?: readonly string[] | undefined;
  }[],
): string[] {
  const files = new Set<string>();
  for (const commit of commits) {
    for (const file of [
      ...(commit.added ?? []),
      ...(commit.modified ?? []),
      ...(commit.removed ?? []),
    ]) {
      files.add(file);
    }
  }
  return [...files];
}

/** Keeps only the defined values, so facts hold no `undefined` keys. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** What a push delivery says, as each forge's reading finds it. */
export interface PushFacts {
  readonly ref: string;
  /** The commit the ref points to now: zeros when the push deleted it. */
  readonly commit: string;
  /** The payload says the push deleted the ref (GitHub's `deleted`). */
  readonly deleted?: boolean;
  /** The commit it pointed to before: zeros when the push created it. */
  readonly before: string;
  /** The files the push changed, when the payload lists every commit; null otherwise. */
  readonly changedPaths: readonly string[] | null;
  readonly actor: string | undefined;
  readonly message: string | undefined;
}

/**
 * A push of a branch or a tag as a trigger; a push of another kind of ref, or one that
 * deleted its ref, starts nothing. Without the changed files, the previous commit is
 * where to find them.
 */
export function pushTrigger(push: PushFacts): NormalizeResult {
  const { branch, tag } = splitRef(push.ref);
  if (branch === undefined && tag === undefined) {
    return { ignored: `push of ${push.ref}, which is neither a branch nor a tag` };
  }
  if (push.deleted === true || ZERO_COMMIT.test(push.commit)) {
    return { ignored: `${push.ref} was deleted` };
  }
  const before = ZERO_COMMIT.test(push.before) ? null : push.before;
  return {
    trigger: {
      candidate: {
        kind: tag !== undefined ? TriggerKind.Tag : TriggerKind.Push,
        branch,
        tag,
        changedPaths: push.changedPaths,
      },
      facts: defined({
        event: TriggerEvent.Push,
        branch,
        tag,
        commit: push.commit,
        actor: push.actor,
        message: push.message,
      }),
      diffBase: push.changedPaths === null ? before : null,
      untrusted: false,
    },
  };
}

/** What a pull request delivery says, as each forge's reading finds it. */
export interface PullRequestFacts {
  /** GitHub's name for what happened (`opened`, `synchronize`, …). */
  readonly action: string;
  readonly number: number;
  readonly title: string;
  readonly headBranch: string;
  readonly baseBranch: string;
  /** The head commit: the one built. */
  readonly commit: string;
  readonly actor: string | undefined;
  readonly message?: string | undefined;
  /** Where to find the changed files: the base commit or branch. */
  readonly diffBase: string;
  /** The head is in another repository: the runs get no secrets. */
  readonly fork: boolean;
}

/** A pull request event as a trigger that builds the head commit. */
export function pullRequestTrigger(pr: PullRequestFacts): NormalizeResult {
  return {
    trigger: {
      candidate: {
        kind: TriggerKind.PullRequest,
        action: pr.action,
        branch: pr.headBranch,
        baseBranch: pr.baseBranch,
        changedPaths: null,
      },
      facts: defined({
        event: TriggerEvent.PullRequest,
        branch: pr.headBranch,
        base: pr.baseBranch,
        pr: pr.number,
        title: pr.title,
        commit: pr.commit,
        message: pr.message,
        actor: pr.actor,
      }),
      diffBase: pr.diffBase,
      untrusted: pr.fork,
    },
  };
}
