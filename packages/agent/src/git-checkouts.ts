import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { CommandLauncher } from '@slipway/executors';
import { borrowLocalObjects, FetchMaintenance, UserError, UserErrorKind } from '@slipway/core';
import { CheckoutTemplate } from './checkout-template.js';
import { syncFileOps, threadPoolFileOps, type FileOps } from './file-ops.js';
import { isPristine } from './pristine-checkout.js';
import { removeTree } from './remove-tree.js';
import { GitCommandError, redactSource, runGit, type GitOptions } from './run-git.js';

/** Templates kept at once; the oldest goes first. */
const MAX_TEMPLATES = 8;

/**
 * Settings of the index `read-tree` writes: the plain format {@link CheckoutTemplate}
 * copies, whatever the machine's git configuration prefers.
 */
const PLAIN_INDEX = ['-c', 'index.version=2', '-c', 'core.splitIndex=false'];

/** Runs one git command (see {@link runGit}) the way the checkouts were told to. */
type Git = (args: readonly string[], options?: Omit<GitOptions, 'launch'>) => Promise<string>;

/** A template of a commit and the removal of its files. */
interface Template {
  readonly template: CheckoutTemplate;
  remove(): Promise<void>;
}

/** A checkout as made here: where its index is, and whether it was copied from a template. */
interface WorktreeCheckout extends Checkout {
  readonly indexPath: string;
  readonly copied: boolean;
}

/** A checked-out commit; {@link Checkout.remove} deletes it. */
export interface Checkout {
  /** The folder with the commit's files. */
  readonly path: string;
  /** The full commit id that was checked out. */
  readonly commit: string;
  remove(): Promise<void>;
  /**
   * Whether the checkout still holds exactly the commit's files, as made, when it was
   * lent out at `since` (milliseconds since the epoch): see {@link isPristine}.
   */
  isPristine(since: number): Promise<boolean>;
}

/**
 * Checkouts of project commits on this machine. Each source gets one bare repository
 * under `cacheDir` that keeps what was fetched, so later checkouts fetch only what is new
 * (the cache of a source on this machine reads its objects in place, see
 * `borrowLocalObjects`, and fetches nothing); each checkout is a detached linked
 * worktree of it (`git worktree list` shows it; in the checkout, git sees the cache's
 * branches and tags). Sources and commits never reach a shell, and values starting with
 * `-` are refused so that they cannot pass for git options.
 *
 * Fetches into one cache run one at a time (git's own locks would make concurrent fetches
 * fail). Checkouts do not wait for each other: each writes its worktree's files under the
 * cache (see {@link addWorktree}) and runs one `git read-tree`, which only reads the cache.
 * One cache folder belongs to one agent process.
 */
export class GitCheckouts {
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Full ids of commits known to be in each cache, by the id they were asked for. */
  private readonly known = new Map<string, string>();
  private readonly maintenance = new FetchMaintenance();
  /** Caches whose worktrees of earlier processes were pruned. */
  private readonly pruned = new Set<string>();
  /** Commits checked out once, by cache and commit id. */
  private readonly checkedOut = new Set<string>();
  /** Templates of commits checked out more than once, oldest first; null where git must do. */
  private readonly templates = new Map<string, Promise<Template | null>>();
  private templatesCleared: Promise<void> | undefined;
  /** Checkouts being made; one alone is made with synchronous calls (see `FileOps`). */
  private making = 0;

  private readonly git: Git;

  /** `launch` starts the git commands; in this process by default. */
  constructor(
    private readonly cacheDir: string,
    launch?: CommandLauncher,
  ) {
    this.git = (args, options = {}) => runGit(args, { ...options, launch });
  }

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
    if (!isHexCommit(commit)) await checkRefName(this.git, commit);
    const repo = join(
      this.cacheDir,
      `${createHash('sha256').update(location).digest('hex').slice(0, 32)}.git`,
    );
    const key = `${repo}\0${commit}`;
    // A full commit id is checked out straight away once this process has pruned the
    // cache: when the cache lacks the commit, `read-tree` fails at once, and the commit
    // is fetched. (The cache may have lost a commit known before, deleted behind this
    // process's back, say.)
    const direct =
      this.known.get(key) ??
      (isFullCommitId(commit) && this.pruned.has(repo) ? commit.toLowerCase() : undefined);
    if (direct !== undefined) {
      try {
        const checkout = await this.addWorktree(repo, into, direct);
        this.remember(key, direct);
        return checkout;
      } catch (error) {
        if (!(error instanceof GitCommandError)) throw error;
        this.known.delete(key);
      }
    }
    const found = await this.locked(repo, async () => {
      // Attempts of one run ask for one commit at once: the first to hold the lock finds
      // it, and those that waited behind it use what it found.
      const foundMeanwhile = direct === undefined ? this.known.get(key) : undefined;
      if (foundMeanwhile !== undefined) return foundMeanwhile;
      await ensureBareRepository(this.git, repo);
      await borrowLocalObjects((args) => this.git(args), repo, location);
      // Worktrees whose folders are gone (left by an earlier process) are forgotten
      // here, before this process's first checkout from the cache, and never later: a
      // prune could take a worktree being written for one that is gone.
      if (!this.pruned.has(repo)) {
        await this.git(['worktree', 'prune'], { cwd: repo });
        this.pruned.add(repo);
      }
      return await fetchCommit(this.git, repo, location, commit, signal, {
        missing: direct !== undefined,
        maintenance: this.maintenance.flags(repo),
      });
    });
    if (isHexCommit(commit)) this.remember(key, found);
    return await this.addWorktree(repo, into, found);
  }

  /**
   * A new worktree of `commit` in `into`. The first checkout of a commit runs `git
   * read-tree`; one asked for while an earlier one is made or after it makes a template
   * of the commit (see {@link CheckoutTemplate}), which it and every later one copy with
   * no git process. A template that cannot be copied any more (the cache was deleted) is
   * dropped, and git makes the checkout.
   */
  private async addWorktree(repo: string, into: string, commit: string): Promise<Checkout> {
    this.making++;
    try {
      return await this.addWorktreeWith(
        this.making === 1 ? syncFileOps() : threadPoolFileOps,
        repo,
        into,
        commit,
      );
    } finally {
      this.making--;
    }
  }

  private async addWorktreeWith(
    ops: FileOps,
    repo: string,
    into: string,
    commit: string,
  ): Promise<Checkout> {
    const key = `${repo}\0${commit}`;
    let template = this.templates.get(key);
    if (template === undefined) {
      if (!this.checkedOut.has(key)) {
        if (this.checkedOut.size >= 10_000) this.checkedOut.clear();
        this.checkedOut.add(key);
        try {
          return await addWorktree(this.git, ops, repo, into, commit);
        } catch (error) {
          this.checkedOut.delete(key);
          throw error;
        }
      }
      template = this.makeTemplate(repo, commit);
      this.templates.set(key, template);
      for (const [old, made] of this.templates) {
        if (this.templates.size <= MAX_TEMPLATES) break;
        this.templates.delete(old);
        void made.then(
          (dropped) => dropped?.remove(),
          () => undefined,
        );
      }
    }
    const made = await template.catch(() => {
      if (this.templates.get(key) === template) this.templates.delete(key);
      return null;
    });
    const checkout = await addWorktree(this.git, ops, repo, into, commit, made?.template);
    if (made !== null && !checkout.copied && this.templates.get(key) === template) {
      this.templates.delete(key);
      void made.remove();
    }
    return checkout;
  }

  /**
   * A template of `commit`, or null when its index is not one a template copies. Rejects
   * when git cannot check the commit out.
   */
  private async makeTemplate(repo: string, commit: string): Promise<Template | null> {
    const folder = join(this.cacheDir, 'templates');
    // Templates of earlier processes are left over: the first template clears them.
    this.templatesCleared ??= rm(folder, { recursive: true, force: true });
    await this.templatesCleared;
    const into = join(
      folder,
      `${basename(repo, '.git')}-${commit}-${randomBytes(4).toString('hex')}`,
    );
    await mkdir(folder, { recursive: true });
    const made = await addWorktree(this.git, threadPoolFileOps, repo, into, commit);
    const template = await CheckoutTemplate.read(into, made.indexPath, commit.length / 2).catch(
      () => null,
    );
    if (template === null) {
      await made.remove();
      return null;
    }
    return { template, remove: () => made.remove() };
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

async function checkRefName(git: Git, ref: string): Promise<void> {
  try {
    await git(['check-ref-format', '--allow-onelevel', ref]);
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    throw new UserError(UserErrorKind.Config, `"${ref}" is not a commit id, branch or tag name`);
  }
}

async function ensureBareRepository(git: Git, repo: string): Promise<void> {
  const existing = await stat(join(repo, 'HEAD')).catch(() => undefined);
  if (existing) return;
  await rm(repo, { recursive: true, force: true });
  await mkdir(repo, { recursive: true });
  await git(['init', '--bare', '--quiet'], { cwd: repo });
}

/**
 * Makes sure the commit is in the cache and returns its full id: a commit id the cache
 * has needs no fetch (unless `missing` says a checkout of it just failed); otherwise the
 * commit (or ref) is fetched by name, and if the source refuses that, all its branches
 * and tags are. A full commit id that was fetched is the id.
 */
async function fetchCommit(
  git: Git,
  repo: string,
  source: string,
  commit: string,
  signal: AbortSignal | undefined,
  options: { readonly missing: boolean; readonly maintenance: readonly string[] },
): Promise<string> {
  const { maintenance } = options;
  if (isHexCommit(commit) && !options.missing) {
    const known = await resolveCommit(git, repo, commit);
    if (known !== null) return known;
  }
  try {
    const full = isFullCommitId(commit);
    await git(
      [
        'fetch',
        '--quiet',
        '--no-tags',
        ...(full ? ['--no-write-fetch-head'] : []),
        ...maintenance,
        '--',
        source,
        commit,
      ],
      { cwd: repo, signal },
    );
    if (full) return commit.toLowerCase();
    const fetched = await resolveCommit(git, repo, 'FETCH_HEAD');
    if (fetched !== null) return fetched;
  } catch (error) {
    if (!(error instanceof GitCommandError) || signal?.aborted) throw error;
  }
  try {
    await git(
      [
        'fetch',
        '--quiet',
        '--force',
        '--prune',
        ...maintenance,
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
  const found = await resolveCommit(git, repo, commit);
  if (found === null) {
    throw new UserError(
      UserErrorKind.NotFound,
      `${redactSource(source)} has no commit, branch or tag "${commit}"`,
    );
  }
  return found;
}

async function resolveCommit(git: Git, repo: string, name: string): Promise<string | null> {
  try {
    const out = await git(['rev-parse', '--verify', '--quiet', `${name}^{commit}`], {
      cwd: repo,
    });
    return out.trim() || null;
  } catch (error) {
    if (error instanceof GitCommandError) return null;
    throw error;
  }
}

/*
 * A linked worktree is a folder whose `.git` file names an administrative folder under
 * the repository's `worktrees/`, which holds the worktree's own HEAD and index and, in
 * `gitdir` and `commondir`, the way back to the worktree and to the repository (the layout
 * of gitrepository-layout(5)). `git worktree add` writes the same files, but spends three
 * to four times as long (it starts more git processes) and takes a lock on the repository.
 * Here the files are written directly and one `git read-tree` fills the folder and the
 * index; the name of the administrative folder is unique, so concurrent checkouts never
 * meet. Removing a checkout deletes both folders, with no git command at all.
 */
async function addWorktree(
  git: Git,
  ops: FileOps,
  repo: string,
  into: string,
  commit: string,
  template?: CheckoutTemplate,
): Promise<WorktreeCheckout> {
  const admin = join(repo, 'worktrees', `${worktreeName(into)}-${randomBytes(6).toString('hex')}`);
  const indexPath = join(admin, 'index');
  const remove = async (): Promise<void> => {
    await removeTree(into);
    await removeTree(admin);
  };
  const [intoMade, adminMade] = await Promise.allSettled([
    ops.mkdir(into),
    ops.mkdir(admin, { recursive: true }),
  ]);
  if (intoMade.status === 'rejected') {
    await removeTree(admin);
    throw intoMade.reason;
  }
  let index: Buffer | null = null;
  try {
    if (adminMade.status === 'rejected') throw adminMade.reason;
    [index] = await Promise.all([
      template?.copyTo(into, indexPath, ops) ?? null,
      ops.writeFile(join(into, '.git'), `gitdir: ${admin}\n`),
      ops.writeFile(join(admin, 'gitdir'), `${join(into, '.git')}\n`),
      ops.writeFile(join(admin, 'commondir'), '../..\n'),
      ops.writeFile(join(admin, 'HEAD'), `${commit}\n`),
    ]);
    if (index === null) {
      await git([...PLAIN_INDEX, 'read-tree', '--reset', '-u', commit], { cwd: into });
    }
  } catch (error) {
    await remove();
    throw error;
  }
  const copied = index !== null;
  const snapshot = { path: into, admin, commit, hashLength: commit.length / 2 };
  const written = index ?? (await readFile(indexPath).catch(() => null));
  return {
    path: into,
    commit,
    remove,
    indexPath,
    copied,
    isPristine: (since) =>
      written === null
        ? Promise.resolve(false)
        : isPristine({ ...snapshot, index: written }, since),
  };
}

function worktreeName(path: string): string {
  return (
    basename(path)
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .slice(0, 40) || 'checkout'
  );
}

/** Whether `commit` is a whole commit id (SHA-1 or SHA-256), not an abbreviation or a name. */
export function isFullCommitId(commit: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(commit);
}

function isHexCommit(commit: string): boolean {
  return /^[0-9a-f]{4,64}$/i.test(commit);
}

function hasControlCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(text);
}
