import type { TriggerCandidate, TriggerFacts } from '@slipway/core';

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
