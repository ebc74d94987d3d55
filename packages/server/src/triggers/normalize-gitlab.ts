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
  added: z.array(z.string()).optional(),
  modified: z.array(z.string()).optional(),
  removed: z.array(z.string()).optional(),
});

const Push = z.looseObject({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  checkout_sha: z.string().nullable().optional(),
  user_username: z.string().optional(),
  commits: z.array(Commit).optional(),
  total_commits_count: z.number().int().optional(),
});

const MergeRequest = z.looseObject({
  user: z.looseObject({ username: z.string() }).optional(),
  object_attributes: z.looseObject({
    iid: z.number().int(),
    title: z.string(),
    action: z.string().optional(),
    oldrev: z.string().optional(),
    source_branch: z.string(),
    target_branch: z.string(),
    source_project_id: z.number(),
    target_project_id: z.number(),
    last_commit: z.looseObject({ id: z.string(), message: z.string().optional() }),
  }),
});

/** GitLab merge request actions, in the names `on.pull_request.types` uses. */
const ACTIONS: Readonly<Record<string, string>> = {
  open: 'opened',
  reopen: 'reopened',
  close: 'closed',
  merge: 'closed',
};

const Note = z.looseObject({
  user: z.looseObject({ username: z.string() }),
  object_attributes: z.looseObject({
    note: z.string(),
    noteable_type: z.string(),
    action: z.string().optional(),
  }),
  merge_request: z.looseObject({ iid: z.number().int() }).optional(),
});

function normalizeNote(event: z.infer<typeof Note>): NormalizeResult {
  const note = event.object_attributes;
  if (note.noteable_type !== 'MergeRequest' || event.merge_request === undefined) {
    return { ignored: `${note.noteable_type} comments start nothing` };
  }
  if (note.action !== undefined && note.action !== 'create') {
    return { ignored: `a comment was ${note.action}d` };
  }
  return {
    comment: { number: event.merge_request.iid, body: note.note, author: event.user.username },
  };
}

/**
 * Reads a GitLab delivery (`X-Gitlab-Event` is `kind`): push and tag push hooks, and
 * merge request hooks as pull requests (`update` with new commits is `synchronize`,
 * without them `edited`; the source branch's last commit is built; a source project
 * other than the target is a fork), and note hooks of new merge request comments (they may
 * hold commands). Other hooks start no runs.
 */
export function normalizeGitLab(kind: string, payload: unknown): NormalizeResult {
  switch (kind) {
    case 'Push Hook':
    case 'Tag Push Hook':
      return normalizePush(Push.parse(payload));
    case 'Merge Request Hook':
      return normalizeMergeRequest(MergeRequest.parse(payload));
    case 'Note Hook':
      return normalizeNote(Note.parse(payload));
    case 'Release Hook':
      return { ignored: 'releases start no runs; the release tag starts them as a tag push' };
    default:
      return { ignored: `GitLab ${kind} events start no runs` };
  }
}

function normalizePush(push: z.infer<typeof Push>): NormalizeResult {
  const commit = push.checkout_sha ?? push.after;
  const commits = push.commits ?? [];
  const complete =
    !ZERO_COMMIT.test(push.before) && commits.length === (push.total_commits_count ?? -1);
  return pushTrigger({
    ref: push.ref,
    commit,
    before: push.before,
    changedPaths: complete ? changedFiles(commits) : null,
    actor: push.user_username,
    message: commits.find((c) => c.id === commit)?.message,
  });
}

function normalizeMergeRequest(event: z.infer<typeof MergeRequest>): NormalizeResult {
  const mr = event.object_attributes;
  const action =
    mr.action === 'update'
      ? mr.oldrev !== undefined
        ? 'synchronize'
        : 'edited'
      : (ACTIONS[mr.action ?? ''] ?? mr.action ?? 'unknown');
  return pullRequestTrigger({
    action,
    number: mr.iid,
    title: mr.title,
    headBranch: mr.source_branch,
    baseBranch: mr.target_branch,
    commit: mr.last_commit.id,
    message: mr.last_commit.message,
    actor: event.user?.username,
    diffBase: `refs/heads/${mr.target_branch}`,
    fork: mr.source_project_id !== mr.target_project_id,
  });
}
