import { z } from 'zod';
import {
  changedFiles,
  type NormalizeResult,
  pullRequestTrigger,
  pushTrigger,
  ZERO_COMMIT,
} from './normalized-trigger.js';

const Commit = z.looseObject({
  id: z.string(),
  message: z.string().optional(),
  added: z.array(z.string()).nullable().optional(),
  modified: z.array(z.string()).nullable().optional(),
  removed: z.array(z.string()).nullable().optional(),
});

const User = z.looseObject({ login: z.string().optional(), username: z.string().optional() });

const Push = z.looseObject({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  commits: z.array(Commit).nullable().optional(),
  total_commits: z.number().int().optional(),
  head_commit: Commit.nullable().optional(),
  pusher: User.optional(),
  sender: User.optional(),
});

const Branch = z.looseObject({
  ref: z.string(),
  sha: z.string(),
  repo_id: z.number().optional(),
  repo: z.looseObject({ id: z.number() }).nullable().optional(),
});

const PullRequest = z.looseObject({
  action: z.string(),
  number: z.number().int(),
  pull_request: z.looseObject({
    title: z.string(),
    user: User.nullable().optional(),
    head: Branch,
    base: Branch,
  }),
  sender: User.optional(),
});

/** Gitea pull request actions, in the names `on.pull_request.types` uses. */
const ACTIONS: Readonly<Record<string, string>> = {
  synchronized: 'synchronize',
  label_updated: 'labeled',
  label_cleared: 'unlabeled',
};

const IssueComment = z.looseObject({
  action: z.string(),
  is_pull: z.boolean().optional(),
  issue: z.looseObject({ number: z.number().int(), pull_request: z.unknown().optional() }),
  comment: z.looseObject({ body: z.string(), user: User.optional() }),
  sender: User.optional(),
});

function normalizeComment(event: z.infer<typeof IssueComment>): NormalizeResult {
  const onPull =
    event.is_pull === true ||
    (event.issue.pull_request !== undefined && event.issue.pull_request !== null);
  if (!onPull) return { ignored: 'comments on issues start nothing' };
  if (event.action !== 'created') return { ignored: `a comment was ${event.action}` };
  const user = event.comment.user ?? event.sender;
  const author = user?.login ?? user?.username;
  if (author === undefined) return { ignored: 'the comment names no author' };
  return { comment: { number: event.issue.number, body: event.comment.body, author } };
}

/**
 * Reads a Gitea or Forgejo delivery (`X-Gitea-Event` is `kind`): pushes of branches and
 * tags, and pull requests (the head commit is built; a head in another repository is a
 * fork), and new comments on pull requests (they may hold commands). Other events start no
 * runs.
 */
export function normalizeGitea(kind: string, payload: unknown): NormalizeResult {
  switch (kind) {
    case 'push':
      return normalizePush(Push.parse(payload));
    case 'pull_request':
      return normalizePullRequest(PullRequest.parse(payload));
    case 'issue_comment':
    case 'pull_request_comment':
      return normalizeComment(IssueComment.parse(payload));
    case 'release':
      return { ignored: 'releases start no runs; the release tag starts them as a tag push' };
    default:
      return { ignored: `Gitea ${kind} events start no runs` };
  }
}

function normalizePush(push: z.infer<typeof Push>): NormalizeResult {
  const commits = (push.commits ?? []).map((c) => ({
    added: c.added ?? [],
    modified: c.modified ?? [],
    removed: c.removed ?? [],
  }));
  const complete =
    !ZERO_COMMIT.test(push.before) &&
    commits.length > 0 &&
    commits.length === (push.total_commits ?? commits.length);
  return pushTrigger({
    ref: push.ref,
    commit: push.after,
    before: push.before,
    changedPaths: complete ? changedFiles(commits) : null,
    actor: push.pusher?.login ?? push.pusher?.username ?? push.sender?.login,
    message: push.head_commit?.message,
  });
}

function normalizePullRequest(event: z.infer<typeof PullRequest>): NormalizeResult {
  const pr = event.pull_request;
  const headRepo = pr.head.repo_id ?? pr.head.repo?.id;
  const baseRepo = pr.base.repo_id ?? pr.base.repo?.id;
  return pullRequestTrigger({
    action: ACTIONS[event.action] ?? event.action,
    number: event.number,
    title: pr.title,
    headBranch: pr.head.ref,
    baseBranch: pr.base.ref,
    commit: pr.head.sha,
    actor: pr.user?.login ?? pr.user?.username ?? event.sender?.login,
    diffBase: pr.base.sha,
    fork: headRepo === undefined || baseRepo === undefined || headRepo !== baseRepo,
  });
}
