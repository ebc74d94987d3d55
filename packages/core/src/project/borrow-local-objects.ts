import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

/** Runs git with the given arguments and resolves with its standard output. */
export type GitRunner = (args: readonly string[]) => Promise<string>;

/** Whether `source` names a repository by a path on this machine rather than a URL. */
export function isLocalPath(source: string): boolean {
  return isAbsolute(source) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source);
}

/**
 * Makes the cache repository `repo` (bare, already initialised) read the objects of
 * `source`, a repository on this machine, where they lie (git's alternates, as
 * `git clone --shared` does), so that a commit of the source needs no copying before it
 * is checked out or read. Answers whether it does; false for a URL or a path that is not a
 * Git repository. Safe to call again.
 *
 * The cache then holds no copy of what the source has: a commit the source loses (a
 * branch deleted, then garbage-collected) cannot be checked out from the cache either.
 */
export async function borrowLocalObjects(
  git: GitRunner,
  repo: string,
  source: string,
): Promise<boolean> {
  if (!isLocalPath(source)) return false;
  const file = join(repo, 'objects', 'info', 'alternates');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim() !== '') return true;
  let commonDir: string;
  try {
    commonDir = (
      await git(['-C', source, 'rev-parse', '--path-format=absolute', '--git-common-dir'])
    ).trim();
  } catch {
    return false;
  }
  if (!isAbsolute(commonDir)) return false;
  await mkdir(join(repo, 'objects', 'info'), { recursive: true });
  await writeFile(file, `${join(commonDir, 'objects')}\n`);
  return true;
}
