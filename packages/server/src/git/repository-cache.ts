import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { borrowLocalObjects, FetchMaintenance, UserError, UserErrorKind } from '@slipway/core';
import type { CommandLauncher } from '@slipway/executors';
import { GitError, runGit, type GitOptions } from './run-git.js';

/** A ref resolved to a commit, and what kind of ref it was. */
export interface ResolvedRef {
  readonly commit: string;
  readonly branch?: string;
  readonly tag?: string;
}

/** `git ls-remote`'s lines, with an annotated tag's commit on a `REF^{}` line of its own. */
const LS_REMOTE_FORMAT =
  '%(objectname)%09%(refname)%(if)%(*objectname)%(then)%0a%(*objectname)%09%(refname)^{}%(end)';

/** Longest commit message kept with a run; longer ones are cut. */
const MESSAGE_MAX = 4000;

/**
 * A fetch cache of project repositories: one bare mirror per source under `root`
 * (branches and tags), from which refs are resolved and commits checked out into
 * temporary folders under `scratch`. Operations on one mirror are serialized in this
 * process, since concurrent fetches of one repository fail on git's ref locks. The
 * mirror of a source on this machine reads the source's objects in place (see
 * `borrowLocalObjects`): a commit pushed there is found without a fetch.
 */
export class RepositoryCache {
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Messages of commits already read, so that asking for them again costs no git. */
  private readonly messages = new Map<string, string | null>();
  private readonly maintenance = new FetchMaintenance();
  /** Per mirror, whether it reads the objects of a source on this machine in place. */
  private readonly borrowed = new Map<string, boolean>();
  /** Per mirror, the source's refs (as `git ls-remote` listed them) when last fetched. */
  private readonly fetchedRefs = new Map<string, string>();
  /** Per mirror, the sparse-checkout patterns last written. */
  private readonly sparsePatterns = new Map<string, string>();

  private readonly git: (
    args: readonly string[],
    options?: Omit<GitOptions, 'launch'>,
  ) => Promise<string>;

  /** `launch` starts the git commands; in this process by default. */
  constructor(
    private readonly root: string,
    private readonly scratch: string,
    launch?: CommandLauncher,
  ) {
    this.git = (args, options = {}) => runGit(args, { ...options, launch });
  }

  /**
   * Resolves `ref` at the source: a branch, then a tag, then a full or abbreviated
   * commit id, or a full `refs/…` name. A ref that does not exist is a
   * {@link UserError}.
   *
   * The source's refs are listed first (`git ls-remote`, which starts fewer processes
   * than a fetch); only when they differ from what this process last fetched into the mirror is
   * the source fetched. Branches and tags resolve from that list; other names from the
   * mirror.
   */
  async resolve(source: string, ref: string): Promise<ResolvedRef> {
    const mirror = this.mirrorOf(source);
    return this.locked(mirror, async () => {
      const advertised = await this.syncRefs(mirror, source);
      const candidates: { name: string; kind: 'branch' | 'tag' | 'commit' }[] = ref.startsWith(
        'refs/',
      )
        ? [
            {
              name: ref,
              kind: ref.startsWith('refs/heads/')
                ? 'branch'
                : ref.startsWith('refs/tags/')
                  ? 'tag'
                  : 'commit',
            },
          ]
        : [
            { name: `refs/heads/${ref}`, kind: 'branch' },
            { name: `refs/tags/${ref}`, kind: 'tag' },
            ...(/^[0-9a-f]{4,64}$/i.test(ref) ? [{ name: ref, kind: 'commit' as const }] : []),
          ];
      for (const candidate of candidates) {
        const commit =
          candidate.kind === 'commit'
            ? ((await this.describe(mirror, candidate.name))?.commit ?? null)
            : advertised.commitOf(candidate.name);
        if (commit === null) continue;
        const short = ref.replace(/^refs\/(heads|tags)\//, '');
        if (candidate.kind === 'branch') return { commit, branch: short };
        if (candidate.kind === 'tag') return { commit, tag: short };
        return { commit };
      }
      throw new UserError(UserErrorKind.Usage, `ref "${ref}" does not exist in ${source}`);
    });
  }

  /**
   * Fetches the source and makes sure `commit` (a full commit id) is in the cache: after
   * branches and tags, a commit none of them reaches (a pull request's head, pushed to a
   * fork) is fetched by id. A commit the source does not have is a {@link UserError}.
   */
  async fetchCommit(source: string, commit: string): Promise<string> {
    const mirror = this.mirrorOf(source);
    return this.locked(mirror, async () => {
      if (this.borrowed.get(mirror) === true) {
        const known = await this.revParse(mirror, commit);
        if (known !== null) {
          // Found without a fetch: the mirror's branches may be behind the source's.
          this.fetchedRefs.delete(mirror);
          return known;
        }
      }
      await this.fetch(mirror, source);
      const known = await this.revParse(mirror, commit);
      if (known !== null) return known;
      try {
        await this.git(['-C', mirror, 'fetch', '--quiet', '--no-tags', '--', source, commit]);
      } catch (error) {
        if (!(error instanceof GitError)) throw error;
      }
      const fetched = await this.revParse(mirror, commit);
      if (fetched !== null) return fetched;
      throw new UserError(UserErrorKind.Usage, `commit ${commit} does not exist in ${source}`);
    });
  }

  /**
   * The message of `commit` (already fetched), without trailing blank lines and cut at
   * 4000 characters; null when the cache does not have the commit.
   */
  async commitMessage(source: string, commit: string): Promise<string | null> {
    const known = this.messages.get(commit);
    if (known !== undefined) return known;
    const mirror = this.mirrorOf(source);
    return this.locked(mirror, async () => {
      return (await this.describe(mirror, commit))?.message ?? null;
    });
  }

  /**
   * Files that differ between the merge base of `base` and `commit`, and `commit` (what
   * `git diff base...commit` lists); null when the cache cannot tell (an unknown base).
   */
  async changedFiles(source: string, base: string, commit: string): Promise<string[] | null> {
    const mirror = this.mirrorOf(source);
    return this.locked(mirror, async () => {
      if (base.startsWith('refs/') && this.borrowed.get(mirror) === true) {
        await this.syncRefs(mirror, source);
      }
      try {
        const out = await this.git([
          '-C',
          mirror,
          'diff',
          '--name-only',
          '--no-renames',
          '-z',
          '--end-of-options',
          `${base}...${commit}`,
          '--',
        ]);
        return out.split('\u0000').filter((name) => name !== '');
      } catch (error) {
        if (error instanceof GitError) return null;
        throw error;
      }
    });
  }

  /**
   * Checks `commit` (already fetched by {@link resolve}) out into a temporary folder,
   * calls `use` with it, and removes the folder afterwards. With `only`, just those
   * paths (files or folders, from the repository's root) are written, whatever else the
   * commit holds: reading a few files of a large repository writes no more than them.
   *
   * The files are written by one `git read-tree` into the folder, with an index of the
   * checkout's own: the mirror gains no worktree to register and prune later, and
   * checkouts need not wait for each other or for fetches. A partial checkout reads its
   * paths from the mirror's sparse-checkout file; it writes the file when they differ
   * from the last ones, and holds the mirror's lock while it does and while git reads it.
   */
  async withCheckout<T>(
    source: string,
    commit: string,
    use: (dir: string) => Promise<T>,
    only?: readonly string[],
  ): Promise<T> {
    const mirror = this.mirrorOf(source);
    await mkdir(this.scratch, { recursive: true });
    const parent = await mkdtemp(join(this.scratch, 'checkout-'));
    const dir = join(parent, 'src');
    try {
      await mkdir(dir);
      const readTree = (sparse: boolean) =>
        this.git(
          [
            ...(sparse
              ? ['-c', 'core.sparseCheckout=true', '-c', 'core.sparseCheckoutCone=false']
              : []),
            '--git-dir',
            mirror,
            '--work-tree',
            dir,
            'read-tree',
            '--reset',
            '-u',
            commit,
          ],
          { env: { GIT_INDEX_FILE: join(parent, 'index') } },
        );
      if (only === undefined) await readTree(false);
      else {
        await this.locked(mirror, async () => {
          await this.writeSparsePatterns(mirror, only);
          await readTree(true);
        });
      }
      return await use(dir);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  }

  /** Makes the mirror's sparse-checkout file name exactly `paths`. */
  private async writeSparsePatterns(mirror: string, paths: readonly string[]): Promise<void> {
    const patterns = paths.map((path) => `/${path.replace(/[\\*?[\]!#]/g, '\\$&')}\n`).join('');
    if (this.sparsePatterns.get(mirror) === patterns) return;
    const file = join(mirror, 'info', 'sparse-checkout');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.new`, patterns);
    await rename(`${file}.new`, file);
    if (this.sparsePatterns.size >= 1000) this.sparsePatterns.clear();
    this.sparsePatterns.set(mirror, patterns);
  }

  private mirrorOf(source: string): string {
    const key = createHash('sha256').update(source).digest('hex').slice(0, 32);
    return join(this.root, `${key}.git`);
  }

  private async fetch(mirror: string, source: string): Promise<void> {
    if (!(await exists(mirror))) {
      await mkdir(this.root, { recursive: true });
      await this.git(['init', '--quiet', '--bare', '--', mirror]);
      this.borrowed.delete(mirror);
    }
    if (!this.borrowed.has(mirror)) {
      if (this.borrowed.size >= 1000) this.borrowed.clear();
      this.borrowed.set(mirror, await borrowLocalObjects((args) => this.git(args), mirror, source));
    }
    try {
      await this.git([
        '-C',
        mirror,
        'fetch',
        '--quiet',
        '--prune',
        '--force',
        '--no-tags',
        '--no-write-fetch-head',
        ...this.maintenance.flags(mirror),
        '--',
        source,
        '+refs/heads/*:refs/heads/*',
        '+refs/tags/*:refs/tags/*',
      ]);
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      throw new UserError(UserErrorKind.Environment, `cannot fetch ${source}: ${error.reason}`);
    }
  }

  /**
   * The commit `name` points at and its message (remembered), in one git command; null
   * when none.
   */
  private async describe(
    mirror: string,
    name: string,
  ): Promise<{ commit: string; message: string | null } | null> {
    try {
      const out = await this.git([
        '-C',
        mirror,
        'log',
        '-1',
        '--no-walk',
        '--format=%H%x00%B',
        '--end-of-options',
        `${name}^{commit}`,
        '--',
      ]);
      const split = out.indexOf('\u0000');
      if (split === -1) return null;
      const found = {
        commit: out.slice(0, split).trim(),
        message: keptMessage(out.slice(split + 1)),
      };
      this.rememberMessage(found.commit, found.message);
      return found;
    } catch (error) {
      if (error instanceof GitError) return null;
      throw error;
    }
  }

  /**
   * The refs the source advertises, as `git ls-remote` lists them; the mirror is fetched
   * when they differ from what it last fetched, so that every commit they name is in it.
   */
  private async syncRefs(mirror: string, source: string): Promise<AdvertisedRefs> {
    const advertised = await this.listRefs(mirror, source);
    if (this.fetchedRefs.get(mirror) !== advertised.text || !(await exists(mirror))) {
      await this.fetch(mirror, source);
      this.rememberFetched(mirror, advertised.text);
    }
    return advertised;
  }

  /**
   * The branches and tags of the source as `git ls-remote` lists them; for a source whose
   * objects the mirror borrows, read from the source itself in the same form, which
   * takes one process instead of two.
   */
  private async listRefs(mirror: string, source: string): Promise<AdvertisedRefs> {
    const args =
      this.borrowed.get(mirror) === true
        ? ['-C', source, 'for-each-ref', `--format=${LS_REMOTE_FORMAT}`, 'refs/heads', 'refs/tags']
        : ['ls-remote', '--heads', '--tags', '--', source];
    try {
      return new AdvertisedRefs(await this.git(args));
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      throw new UserError(UserErrorKind.Environment, `cannot fetch ${source}: ${error.reason}`);
    }
  }

  private rememberFetched(mirror: string, refs: string): void {
    if (this.fetchedRefs.size >= 1000) this.fetchedRefs.clear();
    this.fetchedRefs.set(mirror, refs);
  }

  private rememberMessage(commit: string, message: string | null): void {
    if (this.messages.size >= 1000) this.messages.clear();
    this.messages.set(commit, message);
  }

  private async revParse(mirror: string, name: string): Promise<string | null> {
    try {
      const out = await this.git([
        '-C',
        mirror,
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${name}^{commit}`,
      ]);
      return out.trim() || null;
    } catch (error) {
      if (error instanceof GitError) return null;
      throw error;
    }
  }

  private locked<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return next;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Branches and tags as `git ls-remote` lists them: `COMMIT<TAB>REF` lines, where an
 * annotated tag has a second line for the commit it points at (`REF^{}`).
 */
class AdvertisedRefs {
  private readonly refs = new Map<string, string>();

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab !== -1) this.refs.set(line.slice(tab + 1), line.slice(0, tab));
    }
  }

  /** The commit a branch or tag name (`refs/heads/…`, `refs/tags/…`) points at, or null. */
  commitOf(name: string): string | null {
    return this.refs.get(`${name}^{}`) ?? this.refs.get(name) ?? null;
  }
}

/** A commit message as runs keep it: without trailing blank lines, cut at 4000 characters. */
function keptMessage(text: string): string | null {
  const message = text.trimEnd();
  if (message === '') return null;
  return message.length <= MESSAGE_MAX ? message : `${message.slice(0, MESSAGE_MAX - 1)}…`;
}
