import { runGit } from './run-git.js';

/** What `git ls-remote` tells about a repository. */
export interface SourceInfo {
  /** The branch HEAD points to, or null (an empty repository, or a server that does not say). */
  readonly head: string | null;
  readonly branches: ReadonlySet<string>;
}

/**
 * Lists a repository's branches and its HEAD branch with `git ls-remote`. Rejects with
 * a `GitError` when the source cannot be read.
 */
export async function inspectSource(source: string): Promise<SourceInfo> {
  const out = await runGit(['ls-remote', '--symref', '--', source], { timeoutMs: 30_000 });
  let head: string | null = null;
  const branches = new Set<string>();
  for (const line of out.split('\n')) {
    const [left, ref] = line.split('\t');
    if (left === undefined || ref === undefined) continue;
    const symref = /^ref: refs\/heads\/(.+)$/.exec(left);
    if (symref && ref === 'HEAD') head = symref[1] ?? null;
    else if (ref.startsWith('refs/heads/')) branches.add(ref.slice('refs/heads/'.length));
  }
  return { head, branches };
}
