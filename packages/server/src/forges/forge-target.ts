/** The repository a forge client works on, and how it reaches it. */
export interface ForgeTarget {
  /** The API base URL, without a trailing slash. */
  readonly apiUrl: string;
  /** `owner/name` (GitHub, Gitea) or the project path or id (GitLab). */
  readonly repository: string;
  readonly token: string;
}

/** Forges cut status descriptions here. */
export const DESCRIPTION_MAX = 140;

/** The description as forges take it. */
export function shortDescription(text: string): string {
  return text.length <= DESCRIPTION_MAX ? text : `${text.slice(0, DESCRIPTION_MAX - 1)}…`;
}

/** `owner/name` as two path segments, each escaped. */
export function ownerAndName(repository: string): string {
  return repository
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/');
}
