import { describe, expect, it } from 'vitest';
import { commitWebUrl } from './commit-web-url.js';

const SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';

describe('the web address of a commit at a forge', () => {
  it('is on github.com for the hosted GitHub API', () => {
    expect(commitWebUrl('github', 'https://api.github.com', 'acme/shop', SHA)).toBe(
      `https://github.com/acme/shop/commit/${SHA}`,
    );
  });

  it('drops the API path of GitHub Enterprise, GitLab and Gitea hosts', () => {
    expect(commitWebUrl('github', 'https://git.corp.example/api/v3', 'acme/shop', SHA)).toBe(
      `https://git.corp.example/acme/shop/commit/${SHA}`,
    );
    expect(commitWebUrl('gitlab', 'https://gitlab.com/api/v4', 'group/sub/shop', SHA)).toBe(
      `https://gitlab.com/group/sub/shop/-/commit/${SHA}`,
    );
    expect(
      commitWebUrl('gitea', 'http://gitea.internal:3000/gitea/api/v1/', 'acme/shop', SHA),
    ).toBe(`http://gitea.internal:3000/gitea/acme/shop/commit/${SHA}`);
  });

  it('escapes the repository path', () => {
    expect(commitWebUrl('gitea', 'https://gitea.com/api/v1', 'acme/shop?x=1#y', SHA)).toBe(
      `https://gitea.com/acme/shop%3Fx%3D1%23y/commit/${SHA}`,
    );
  });

  it('is unknown for a GitLab project id, an API URL of another shape, or a non-commit', () => {
    expect(commitWebUrl('gitlab', 'https://gitlab.com/api/v4', '4242', SHA)).toBeNull();
    expect(commitWebUrl('github', 'https://proxy.example/github', 'acme/shop', SHA)).toBeNull();
    expect(commitWebUrl('github', 'https://api.github.com', 'acme/shop', 'main')).toBeNull();
    expect(commitWebUrl('gitea', 'not a url', 'acme/shop', SHA)).toBeNull();
  });
});
