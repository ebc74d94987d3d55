import { execFileSync } from 'node:child_process';

/** Runs git with `args` in `cwd` and returns its output, trimmed. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** Makes an empty Git repository at `dir` on branch `main`, with a committer set. */
export function initRepository(dir: string): void {
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  git(dir, 'config', 'user.email', 'dev@example.com');
  git(dir, 'config', 'user.name', 'Dev');
}

/** Commits everything in the repository at `dir` and returns the new commit's id. */
export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}
