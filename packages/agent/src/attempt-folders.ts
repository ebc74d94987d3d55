import { mkdirSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isFullCommitId, type Checkout, type GitCheckouts } from './git-checkouts.js';
import { removeTree } from './remove-tree.js';

/** How long a folder no attempt took back waits before it is removed. */
const IDLE_MS = 60_000;

/** What an attempt may leave in its folder besides the checkout, for the next one to reuse it. */
const SHARED_SCRATCH = 'unread-results';

/** An attempt's folder: scratch space, and the checkout of the run's commit in `src`. */
export interface AttemptFolder {
  readonly path: string;
  readonly checkout: Checkout;
}

interface Lent {
  readonly key: string | null;
  /** When it was last handed to an attempt, in milliseconds since the epoch. */
  lentAt: number;
  /** When it was given back; for idle folders only. */
  idleSince: number;
}

/**
 * The folders attempts run in, each with a checkout of its run's commit.
 *
 * Making a checkout and removing it are a few dozen file-system changes, each waiting
 * for the file system's journal, and for a small task they take longer than the step.
 * So a folder given back after its attempt waits, idle, for a later attempt of the same
 * commit of the same source, up to `maxIdle` folders and for {@link IDLE_MS}; the oldest
 * go first. Before an idle folder is lent again it is checked to be exactly as it was
 * made (see `isPristine`: every file, folder and git administrative file, by stat data,
 * and by content where a change could hide in the file system's clock tick), with
 * nothing else in the folder but an empty shared results folder; one that is not is
 * removed, and the attempt gets a new one. Results and artifacts of an attempt are
 * removed when it gives its folder back. Only one attempt holds a folder at a time.
 */
export class AttemptFolders {
  private readonly idle: { folder: AttemptFolder; lent: Lent }[] = [];
  private readonly lent = new Map<AttemptFolder, Lent>();
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly attemptsDir: string,
    private readonly checkouts: Pick<GitCheckouts, 'checkout'>,
    private readonly maxIdle: number,
  ) {}

  /**
   * A folder with `commit` of `source` checked out in its `src`, one an earlier attempt
   * left as it was made or a new one. A checkout that fails is the error returned (the
   * folder made for it is removed); `signal` ends a fetch in progress.
   */
  async take(source: string, commit: string, signal: AbortSignal): Promise<AttemptFolder | Error> {
    const key = isFullCommitId(commit) ? `${source}\0${commit.toLowerCase()}` : null;
    for (let i = this.idle.length - 1; key !== null && i >= 0; i--) {
      const idle = this.idle[i];
      if (idle?.lent.key !== key) continue;
      this.idle.splice(i, 1);
      if (await isReusable(idle.folder, idle.lent.lentAt)) {
        return this.lend(idle.folder, key);
      }
      void removeFolder(idle.folder);
    }
    const path = join(
      this.attemptsDir,
      `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
    );
    mkdirSync(path, { recursive: true });
    try {
      const checkout = await this.checkouts.checkout(source, commit, join(path, 'src'), signal);
      return this.lend({ path, checkout }, key);
    } catch (error) {
      await removeTree(path).catch(() => undefined);
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /**
   * Ends an attempt's use of `folder`: with `reuse`, it waits for a later attempt of its
   * commit (its results and artifacts removed); otherwise, or when too many wait, it is
   * removed.
   */
  async giveBack(folder: AttemptFolder, reuse: boolean): Promise<void> {
    const lent = this.lent.get(folder);
    this.lent.delete(folder);
    if (!reuse || lent === undefined || lent.key === null || this.maxIdle < 1) {
      await removeFolder(folder);
      return;
    }
    await Promise.all([
      removeTree(join(folder.path, 'results')),
      removeTree(join(folder.path, 'artifacts')),
    ]).catch(() => undefined);
    lent.idleSince = Date.now();
    this.idle.push({ folder, lent });
    while (this.idle.length > this.maxIdle) {
      const oldest = this.idle.shift();
      if (oldest) await removeFolder(oldest.folder);
    }
    this.sweep ??= setTimeout(() => {
      void this.removeIdle(Date.now() - IDLE_MS);
    }, IDLE_MS).unref();
  }

  /** Removes every idle folder; folders lent out are removed when given back. */
  async clear(): Promise<void> {
    await this.removeIdle(Infinity);
  }

  private lend(folder: AttemptFolder, key: string | null): AttemptFolder {
    this.lent.set(folder, { key, lentAt: Date.now(), idleSince: 0 });
    return folder;
  }

  /** Removes idle folders given back before `before`, and looks again later if some are left. */
  private async removeIdle(before: number): Promise<void> {
    clearTimeout(this.sweep);
    this.sweep = undefined;
    const old = this.idle.filter((idle) => idle.lent.idleSince < before);
    for (const idle of old) this.idle.splice(this.idle.indexOf(idle), 1);
    await Promise.all(old.map((idle) => removeFolder(idle.folder)));
    if (this.idle.length > 0 && before !== Infinity) {
      const next = Math.min(...this.idle.map((idle) => idle.lent.idleSince));
      this.sweep = setTimeout(
        () => {
          void this.removeIdle(Date.now() - IDLE_MS);
        },
        Math.max(0, next + IDLE_MS - Date.now()),
      ).unref();
    }
  }
}

async function isReusable(folder: AttemptFolder, lentAt: number): Promise<boolean> {
  try {
    for (const name of readdirSync(folder.path)) {
      if (name === 'src') continue;
      if (name !== SHARED_SCRATCH || readdirSync(join(folder.path, name)).length > 0) return false;
    }
  } catch {
    return false;
  }
  return await folder.checkout.isPristine(lentAt);
}

async function removeFolder(folder: AttemptFolder): Promise<void> {
  await folder.checkout.remove().catch(() => undefined);
  await removeTree(folder.path).catch(() => undefined);
}
