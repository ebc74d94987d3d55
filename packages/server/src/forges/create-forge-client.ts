import type { ForgeClient, MergeMethod } from '@slipway/core';
import type { ForgeHttpOptions } from './forge-http.js';
import type { ForgeTarget } from './forge-target.js';
import { GITEA, GITHUB, GitHubApiClient } from './github-api-client.js';
import { GitLabClient } from './gitlab-client.js';

/** The forges Slipway reports to. */
export const REPORTING_FORGES = ['github', 'gitlab', 'gitea'] as const;
export type ReportingForge = (typeof REPORTING_FORGES)[number];

/** The API base URL of each hosted forge, used when a project sets none. */
export const DEFAULT_API_URLS: Readonly<Record<ReportingForge, string>> = {
  github: 'https://api.github.com',
  gitlab: 'https://gitlab.com/api/v4',
  gitea: 'https://gitea.com/api/v1',
};

/** The client of a forge for one repository. */
export function createForgeClient(
  forge: ReportingForge,
  target: ForgeTarget,
  http: ForgeHttpOptions = {},
): ForgeClient {
  switch (forge) {
    case 'github':
      return new GitHubApiClient(target, GITHUB, http);
    case 'gitlab':
      return new GitLabClient(target, http);
    case 'gitea':
      return new GitHubApiClient(target, GITEA, http);
  }
}

/** The merge methods each forge's merge API takes (GitLab rebases by its own setting). */
export const MERGE_METHODS: Readonly<Record<ReportingForge, readonly MergeMethod[]>> = {
  github: ['merge', 'squash', 'rebase'],
  gitlab: ['merge', 'squash'],
  gitea: ['merge', 'squash', 'rebase'],
};
