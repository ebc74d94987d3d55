import { runGit } from '../git/run-git.js';

/**
 * The branch and tag heads of a repository (`refs/heads/…` and `refs/tags/…` → commit),
 * read with `git ls-remote` (arguments, never a shell). An annotated tag is given as the
 * commit it points to. Rejects with a `GitError` when the repository cannot be read.
 */
export async function listRemoteHeads(
  source: string,
  timeoutMs = 60_000,
): Promise<Record<string, string>> {
  const out = await runGit(['ls-remote', '--heads', '--tags', '--', source], { timeoutMs });
  const heads: Record<string, string> = {};
  const peeled: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const [commit, ref] = line.split('\t');
    if (commit === undefined || ref === undefined || !/^[0-9a-f]{40,64}$/.test(commit)) continue;
    if (ref.endsWith('^{}')) peeled[ref.slice(0, -3)] = commit;
    else heads[ref] = commit;
  }
  for (const [ref, commit] of Object.entries(peeled)) {
    if (ref in heads) heads[ref] = commit;
  }
  return heads;
}
