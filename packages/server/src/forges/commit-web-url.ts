import type { ControlStore } from '@slipway/core';
import { REPORTING_FORGES, type ReportingForge } from './create-forge-client.js';
import { ownerAndName } from './forge-target.js';

/** The path an API base URL of each forge ends with on a self-hosted instance. */
const API_SUFFIXES: Readonly<Record<ReportingForge, string>> = {
  github: '/api/v3',
  gitlab: '/api/v4',
  gitea: '/api/v1',
};

/** The web address of the forge behind an API base URL; null when it cannot be told. */
function webBase(forge: ReportingForge, apiUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (forge === 'github' && url.hostname === 'api.github.com') return `${url.protocol}//github.com`;
  const path = url.pathname.replace(/\/+$/, '');
  const suffix = API_SUFFIXES[forge];
  if (!path.endsWith(suffix)) return null;
  return `${url.origin}${path.slice(0, -suffix.length)}`;
}

/**
 * Where a person sees `commit` of `repository` at a forge, from the forge's API base URL:
 * `https://github.com/owner/name/commit/SHA`, `https://HOST/group/name/-/commit/SHA` on
 * GitLab, `https://HOST/owner/name/commit/SHA` on Gitea. Null when the API URL has not
 * the shape the forge's API has, the repository is a GitLab project id rather than its
 * path, or the commit is not a commit id.
 */
export function commitWebUrl(
  forge: ReportingForge,
  apiUrl: string,
  repository: string,
  commit: string,
): string | null {
  if (!/^[0-9a-f]{7,64}$/i.test(commit)) return null;
  const base = webBase(forge, apiUrl);
  if (base === null) return null;
  switch (forge) {
    case 'github':
    case 'gitea':
      return `${base}/${ownerAndName(repository)}/commit/${commit}`;
    case 'gitlab':
      if (/^\d+$/.test(repository)) return null;
      return `${base}/${ownerAndName(repository)}/-/commit/${commit}`;
  }
}

/**
 * The web address of a run's commit at its project's forge; null when the project has no
 * forge settings (or no GitHub, GitLab or Gitea webhook), or the run names no commit.
 */
export async function projectCommitUrl(
  store: ControlStore,
  projectId: string,
  commit: string | undefined,
): Promise<string | null> {
  if (commit === undefined) return null;
  const [webhook, settings] = await Promise.all([
    store.findProjectWebhook(projectId),
    store.findProjectForge(projectId),
  ]);
  const forge = REPORTING_FORGES.find((known) => known === webhook?.forge);
  if (forge === undefined || settings === null) return null;
  return commitWebUrl(forge, settings.apiUrl, settings.repository, commit);
}
