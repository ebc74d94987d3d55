import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** One event of `@octokit/webhooks-examples`: its name and real example payloads. */
interface GitHubExampleEvent {
  readonly name: string;
  readonly examples: readonly Record<string, unknown>[];
}

let examples: readonly GitHubExampleEvent[] | null = null;

/**
 * A real GitHub payload from `@octokit/webhooks-examples`: the first example of `event`
 * that `pick` accepts, as a fresh copy to rewrite.
 */
export function githubExample(
  event: string,
  pick: (payload: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown> {
  if (examples === null) {
    const require = createRequire(import.meta.url);
    const path = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
    examples = JSON.parse(readFileSync(path, 'utf8')) as GitHubExampleEvent[];
  }
  const found = examples.find((e) => e.name === event)?.examples.find(pick);
  if (found === undefined) throw new Error(`no ${event} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

/**
 * A GitLab push hook as GitLab's webhook documentation shows it (trimmed to what a
 * reader may use), for `commit` on `branch` after `before`.
 */
export function gitlabPush(
  branch: string,
  before: string,
  commit: string,
): Record<string, unknown> {
  return {
    object_kind: 'push',
    event_name: 'push',
    before,
    after: commit,
    ref: `refs/heads/${branch}`,
    ref_protected: true,
    checkout_sha: commit,
    user_id: 4,
    user_name: 'John Smith',
    user_username: 'jsmith',
    user_email: 'john@example.com',
    project_id: 15,
    project: {
      id: 15,
      name: 'Diaspora',
      path_with_namespace: 'mike/diaspora',
      default_branch: 'main',
      git_http_url: 'http://example.com/mike/diaspora.git',
    },
    commits: [
      {
        id: commit,
        message:
          'Update Catalan translation to e38cb41.\n\nSee https://gitlab.com/gitlab-org/gitlab for more information',
        title: 'Update Catalan translation to e38cb41.',
        timestamp: '2011-12-12T14:27:31+02:00',
        url: `http://example.com/mike/diaspora/commit/${commit}`,
        author: { name: 'Jordi Mallach', email: 'jordi@softcatala.org' },
        added: ['CHANGELOG'],
        modified: ['app/controller/application.rb'],
        removed: [],
      },
    ],
    total_commits_count: 1,
    repository: {
      name: 'Diaspora',
      url: 'git@example.com:mike/diaspora.git',
      homepage: 'http://example.com/mike/diaspora',
    },
  };
}

/** A GitLab merge request hook as GitLab's documentation shows it, trimmed. */
export function gitlabMergeRequest(options: {
  readonly action: string;
  readonly iid: number;
  readonly title: string;
  readonly source: string;
  readonly target: string;
  readonly commit: string;
  readonly fork: boolean;
  readonly oldrev?: string;
}): Record<string, unknown> {
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: { id: 1, name: 'Administrator', username: 'root' },
    project: { id: 1, name: 'Gitlab Test', path_with_namespace: 'gitlabhq/gitlab-test' },
    object_attributes: {
      id: 99,
      iid: options.iid,
      target_branch: options.target,
      source_branch: options.source,
      source_project_id: options.fork ? 14 : 1,
      target_project_id: 1,
      title: options.title,
      state: 'opened',
      merge_status: 'unchecked',
      action: options.action,
      ...(options.oldrev !== undefined ? { oldrev: options.oldrev } : {}),
      last_commit: {
        id: options.commit,
        message: 'fixed readme',
        timestamp: '2012-01-03T23:36:29+02:00',
        author: { name: 'GitLab dev user', email: 'gitlabdev@dv6700.(none)' },
      },
    },
    labels: [{ id: 206, title: 'API' }],
  };
}

/** A Gitea push event as Gitea's webhook documentation shows it, trimmed. */
export function giteaPush(branch: string, before: string, commit: string): Record<string, unknown> {
  return {
    secret: '',
    ref: `refs/heads/${branch}`,
    before,
    after: commit,
    compare_url: 'http://localhost:3000/gitea/webhooks/compare/before...after',
    commits: [
      {
        id: commit,
        message: 'Webhooks Yay!',
        url: `http://localhost:3000/gitea/webhooks/commit/${commit}`,
        author: { name: 'Gitea', email: 'someone@gitea.io', username: 'gitea' },
        committer: { name: 'Gitea', email: 'someone@gitea.io', username: 'gitea' },
        timestamp: '2017-03-13T13:52:11-04:00',
        added: ['src/new.ts'],
        removed: [],
        modified: [],
      },
    ],
    total_commits: 1,
    head_commit: { id: commit, message: 'Webhooks Yay!' },
    repository: { id: 140, name: 'webhooks', full_name: 'gitea/webhooks' },
    pusher: { id: 1, login: 'gitea', full_name: 'Gitea', email: 'someone@gitea.io' },
    sender: { id: 1, login: 'gitea', full_name: 'Gitea', email: 'someone@gitea.io' },
  };
}

/** A Gitea pull request event as Gitea's documentation shows it, trimmed. */
export function giteaPullRequest(options: {
  readonly action: string;
  readonly number: number;
  readonly title: string;
  readonly head: string;
  readonly base: string;
  readonly commit: string;
  readonly fork: boolean;
}): Record<string, unknown> {
  return {
    action: options.action,
    number: options.number,
    pull_request: {
      id: 1,
      number: options.number,
      user: { id: 1, login: 'gitea' },
      title: options.title,
      body: '',
      state: 'open',
      head: {
        label: options.head,
        ref: options.head,
        sha: options.commit,
        repo_id: options.fork ? 7 : 1,
        repo: { id: options.fork ? 7 : 1, full_name: options.fork ? 'someone/repo' : 'gitea/repo' },
      },
      base: {
        label: options.base,
        ref: options.base,
        sha: '0000000000000000000000000000000000000001',
        repo_id: 1,
        repo: { id: 1, full_name: 'gitea/repo' },
      },
    },
    repository: { id: 1, full_name: 'gitea/repo' },
    sender: { id: 1, login: 'gitea' },
  };
}
