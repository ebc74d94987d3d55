import { z } from 'zod';
import {
  changedFiles,
  type NormalizeResult,
  pullRequestTrigger,
  pushTrigger,
} from './normalized-trigger.js';

/** GitHub lists at most this many commits in a push payload. */
const GITHUB_PUSH_COMMITS = 20;

const Commit = z.looseObject({
  added: z.array(z.string()).optional(),
  modified: z.array(z.string()).optional(),
  removed: z.array(z.string()).optional(),
  message: z.string().optional(),
});

const Push = z.looseObject({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  created: z.boolean().optional(),
  deleted: z.boolean().optional(),
  forced: z.boolean().optional(),
  commits: z.array(Commit).optional(),
  head_commit: Commit.nullable().optional(),
  pusher: z.looseObject({ name: z.string().optional() }).optional(),
  sender: z.looseObject({ login: z.string() }).optional(),
});

const Repo = z.looseObject({ id: z.number(), full_name: z.string() }).nullable().optional();

const PullRequest = z.looseObject({
  action: z.string(),
  number: z.number().int(),
  pull_request: z.looseObject({
    title: z.string(),
    user: z.looseObject({ login: z.string() }).nullable().optional(),
    head: z.looseObject({ ref: z.string(), sha: z.string(), repo: Repo }),
    base: z.looseObject({ ref: z.string(), sha: z.string(), repo: Repo }),
  }),
  sender: z.looseObject({ login: z.string() }).optional(),
});

const IssueComment = z.looseObject({
  action: z.string(),
  issue: z.looseObject({ number: z.number().int(), pull_request: z.unknown().optional() }),
  comment: z.looseObject({ body: z.string(), user: z.looseObject({ login: z.string() }) }),
});

function normalizeComment(event: z.infer<typeof IssueComment>): NormalizeResult {
  if (event.issue.pull_request === undefined || event.issue.pull_request === null) {
    return { ignored: 'comments on issues start nothing' };
  }
  if (event.action !== 'created') return { ignored: `a comment was ${event.action}` };
  return {
    comment: {
      number: event.issue.number,
      body: event.comment.body,
      author: event.comment.user.login,
    },
  };
}

/**
 * Reads a GitHub delivery (`X-GitHub-Event` is `kind`): pushes of branches and tags,
 * and pull request events (the head commit is built; a head in another repository is a
 * fork), and new comments on pull requests (they may hold commands). Other events start
 * no runs; the answer says why.
 */
export function normalizeGitHub(kind: string, payload: unknown): NormalizeResult {
  switch (kind) {
    case 'push':
      return normalizePush(Push.parse(payload));
    case 'pull_request':
      return normalizePullRequest(PullRequest.parse(payload));
    case 'ping':
      return { ignored: 'ping: the webhook reaches Slipway' };
    case 'issue_comment':
      return normalizeComment(IssueComment.parse(payload));
    case 'release':
      return { ignored: 'releases start no runs; the release tag starts them as a tag push' };
    default:
      return { ignored: `GitHub ${kind} events start no runs` };
  }
}

function normalizePush(push: z.infer<typeof Push>): NormalizeResult {
  const commits = push.commits ?? [];
  const complete =
    push.created !== true && push.forced !== true && commits.length < GITHUB_PUSH_COMMITS;
  return pushTrigger({
    ref: push.ref,
    commit: push.after,
    deleted: push.deleted === true,
    before: push.before,
    changedPaths: complete ? changedFiles(commits) : null,
    actor: push.sender?.login ?? push.pusher?.name,
    message: push.head_commit?.message,
  });
}

function normalizePullRequest(event: z.infer<typeof PullRequest>): NormalizeResult {
  const pr = event.pull_request;
  const headRepo = pr.head.repo?.id;
  return pullRequestTrigger({
    action: event.action,
    number: event.number,
    title: pr.title,
    headBranch: pr.head.ref,
    baseBranch: pr.base.ref,
    commit: pr.head.sha,
    actor: pr.user?.login ?? event.sender?.login,
    diffBase: pr.base.sha,
    fork: headRepo === undefined || headRepo !== pr.base.repo?.id,
  });
}
