import { createHash } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError, UserErrorKind } from '@slipway/core';
import { GitCommandError, redactSource, runGit } from './run-git.js';

/** A checked-out commit; {@link Checkout.remove} deletes it. */
export interface Checkout {
  /** The folder with the commit's files. */
  readonly path: string;
  /** The full commit id that was checked out. */
  readonly commit: string;
  remove(): Promise<void>;
}

/**
 * Checkouts of project commits on this machine. Each source gets one bare repository
 * under `cacheDir` that keeps what was fetched, so later checkouts fetch only what is new;
 * each checkout is a detached worktree of it. Sources and commits never reach a shell,
 * and values starting with `-` are refused so that they cannot pass for git options.
 *
 * Git commands on one cache run one at a time (git's own locks would make concurrent
 * fetches fail), so the fetch and worktree changes of attempts of the same project queue.
 * One cache folder belongs to one agent process.
 */
export class GitCheckouts {
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Full ids of commits known to be in each cache, by the id they were asked for. */
  private readonly known = new Map<string, string>();

  constructor(private readonly cacheDir: string) {}

  /**
   * Checks out `commit` (a commit id, or a branch or tag name) of `source` into `into`, a
   * folder that must not exist yet. Throws a {@link UserError} when the source cannot be
   * fetched or has no such commit. `signal` ends a fetch in progress.
   */
  async checkout(
    source: string,
    commit: string,
    into: string,
    signal?: AbortSignal,
  ): Promise<Checkout> {
    const location = checkSource(source);
    checkCommit(commit);
    if (!isHexCommit(commit)) await checkRefName(commit);
    const repo = join(
      this.cacheDir,
      `${createHash('sha256').update(location).digest('hex').slice(0, 32)}.git`,
    );
    const sha = await this.locked(repo, async () => {
      const key = `${repo}\0${commit}`;
      const cached = isHexCommit(commit) ? this.known.get(key) : undefined;
      await ensureBareRepository(repo);
      if (cached !== undefined) {
        try {
          await addWorktree(repo, into, cached);
          return cached;
        } catch (error) {
          if (!(error instanceof GitCommandError)) throw error;
          this.known.delete(key);
        }
      }
      const found = await fetchCommit(repo, location, commit, signal);
      if (isHexCommit(commit)) this.remember(key, found);
      await addWorktree(repo, into, found);
      return found;
    });
    return {
      path: into,
      commit: sha,
      remove: () => this.locked(repo, () => removeWorktree(repo, into)),
    };
  }

  /*
   * Commits never change, so a commit id found in a cache once is found there again
   * (the cache only grows); the memory is bounded all the same.
   */
  private remember(key: string, sha: string): void {
    if (this.known.size >= 10_000) this.known.clear();
    this.known.set(key, sha);
  }

  private locked<T>(repo: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(repo) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(repo, tail);
    void tail.then(() => {
      if (this.locks.get(repo) === tail) this.locks.delete(repo);
    });
    return result;
  }
}

/** The source as git should see it: local paths made absolute. */
function checkSource(source: string): string {
  if (source.trim() === '' || source.startsWith('-') || hasControlCharacters(source)) {
    throw new UserError(
      UserErrorKind.Config,
      `the project source "${redactSource(source)}" is not a Git URL or path`,
    );
  }
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^[^/]+:/.test(source);
  return isUrl || isAbsolute(source) ? source : resolve(source);
}

function checkCommit(commit: string): void {
  if (
    commit === '' ||
    commit.startsWith('-') ||
    hasControlCharacters(commit) ||
    /\s/.test(commit)
  ) {
    throw new UserError(UserErrorKind.Config, `"${commit}" is not a commit id, branch or tag name`);
  }
}

async function checkRefName(ref: string): Promise<void> {
  try {
    await runGit(['check-ref-format', '--allow-onelevel', ref]);
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    throw new UserError(UserErrorKind.Config, `"${ref}" is not a commit id, branch or tag name`);
  }
}

async function ensureBareRepository(repo: string): Promise<void> {
  const existing = await stat(join(repo, 'HEAD')).catch(() => undefined);
  if (existing) return;
  await rm(repo, { recursive: true, force: true });
  await mkdir(repo, { recursive: true });
  await runGit(['init', '--bare', '--quiet'], { cwd: repo });
}

/**
 * Makes sure the commit is in the cache and returns its full id: a known commit id needs
 * no fetch; otherwise the commit (or ref) is fetched by name, and if the source refuses
 * that, all its branches and tags are.
 */
async function fetchCommit(
  repo: string,
  source: string,
  commit: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  if (isHexCommit(commit)) {
    const known = await resolveCommit(repo, commit);
    if (known !== null) return known;
  }
  try {
    await runGit(['fetch', '--quiet', '--no-tags', '--', source, commit], { cwd: repo, signal });
    const fetched = await resolveCommit(repo, 'FETCH_HEAD');
    if (fetched !== null) return fetched;
  } catch (error) {
    if (!(error instanceof GitCommandError) || signal?.aborted) throw error;
  }
  try {
    await runGit(
      [
        'fetch',
        '--quiet',
        '--force',
        '--prune',
        '--',
        source,
        '+refs/heads/*:refs/heads/*',
        '+refs/tags/*:refs/tags/*',
      ],
      { cwd: repo, signal },
    );
  } catch (error) {
    if (!(error instanceof GitCommandError) || signal?.aborted) throw error;
    throw new UserError(
      UserErrorKind.Environment,
      `cannot fetch ${redactSource(source)}: ${redactSource(error.message)}`,
    );
  }
  const found = await resolveCommit(repo, commit);
  if (found === null) {
    throw new UserError(
      UserErrorKind.NotFound,
      `${redactSource(source)} has no commit, branch or tag "${commit}"`,
    );
  }
  return found;
}

async function resolveCommit(repo: string, name: string): Promise<string | null> {
  try {
    const out = await runGit(['rev-parse', '--verify', '--quiet', `${name}^{commit}`], {
      cwd: repo,
    });
    return out.trim() || null;
  } catch (error) {
    if (error instanceof GitCommandError) return null;
    throw error;
  }
}

/*
 * Git commands are the cost of a checkout (each is a process, run one at a time per
 * cache), so the usual path is one command to add a worktree and one to remove it.
 * Pruning (forgetting worktrees whose folders are gone, which `worktree add` may trip
 * over) happens only when one of them failed.
 */
async function addWorktree(repo: string, into: string, commit: string): Promise<void> {
  const add = ['worktree', 'add', '--detach', '--quiet', into, commit];
  try {
    await runGit(add, { cwd: repo });
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    await runGit(['worktree', 'prune'], { cwd: repo });
    await runGit(add, { cwd: repo });
  }
}

async function removeWorktree(repo: string, path: string): Promise<void> {
  try {
    await runGit(['worktree', 'remove', '--force', '--force', path], { cwd: repo });
    return;
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
  }
  await rm(path, { recursive: true, force: true });
  await runGit(['worktree', 'prune'], { cwd: repo }).catch(() => undefined);
}

function isHexCommit(commit: string): boolean {
  return /^[0-9a-f]{4,64}$/i.test(commit);
}

function hasControlCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(text);
}
