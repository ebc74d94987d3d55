import { describe, expect, it } from 'vitest';
import { normalizeEvent } from '../triggers/normalize-event.js';
import { githubExample } from '../testing/webhook-samples.js';

describe('pull request comments from each forge', () => {
  it('reads a new GitHub comment on a pull request, and ignores issues and edits', () => {
    const comment = githubExample('issue_comment', (p) => p.action === 'created');
    const issue = comment.issue as Record<string, unknown>;
    const onPull = { ...comment, issue: { ...issue, number: 12, pull_request: { url: 'u' } } };
    expect(normalizeEvent('github', 'issue_comment', onPull)).toEqual({
      comment: {
        number: 12,
        body: (comment.comment as { body: string }).body,
        author: 'Codertocat',
      },
    });
    expect(normalizeEvent('github', 'issue_comment', comment)).toEqual({
      ignored: 'comments on issues start nothing',
    });
    const edited = githubExample('issue_comment', (p) => p.action === 'edited');
    expect(
      normalizeEvent('github', 'issue_comment', {
        ...edited,
        issue: { ...(edited.issue as object), pull_request: { url: 'u' } },
      }),
    ).toEqual({ ignored: 'a comment was edited' });
  });

  it('reads GitLab merge request notes and Gitea pull request comments', () => {
    expect(
      normalizeEvent('gitlab', 'Note Hook', {
        object_kind: 'note',
        user: { username: 'jsmith' },
        object_attributes: { note: '/retest', noteable_type: 'MergeRequest', action: 'create' },
        merge_request: { iid: 4 },
      }),
    ).toEqual({ comment: { number: 4, body: '/retest', author: 'jsmith' } });
    expect(
      normalizeEvent('gitlab', 'Note Hook', {
        user: { username: 'jsmith' },
        object_attributes: { note: '/retest', noteable_type: 'Issue' },
      }),
    ).toEqual({ ignored: 'Issue comments start nothing' });
    expect(
      normalizeEvent('gitea', 'issue_comment', {
        action: 'created',
        is_pull: true,
        issue: { number: 9 },
        comment: { body: '/lgtm', user: { login: 'gitea' } },
      }),
    ).toEqual({ comment: { number: 9, body: '/lgtm', author: 'gitea' } });
  });
});
