import {
  appendFile,
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttemptFolders, type AttemptFolder } from './attempt-folders.js';
import { GitCheckouts } from './git-checkouts.js';
import { commitAll, git, initRepository } from './testing/git-repository.js';

describe('AttemptFolders', () => {
  let temp = '';
  let repo = '';
  let head = '';
  let older = '';
  let folders: AttemptFolders;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    temp = await realpath(await mkdtemp(join(tmpdir(), 'slipway-attempt-folders-')));
    repo = join(temp, 'repo');
    initRepository(repo);
    await writeFile(join(repo, 'app.txt'), 'one\n');
    older = commitAll(repo, 'one');
    await mkdir(join(repo, 'bin'));
    await writeFile(join(repo, 'bin', 'build.sh'), '#!/bin/sh\necho built\n', { mode: 0o755 });
    await symlink('bin/build.sh', join(repo, 'build'));
    head = commitAll(repo, 'two');
    await mkdir(join(temp, 'attempts'));
    folders = new AttemptFolders(join(temp, 'attempts'), new GitCheckouts(join(temp, 'cache')), 2);
  });

  afterEach(async () => {
    await folders.clear();
    await rm(temp, { recursive: true, force: true });
  });

  async function take(commit = head): Promise<AttemptFolder> {
    const folder = await folders.take(repo, commit, signal);
    if (folder instanceof Error) throw folder;
    return folder;
  }

  /**
   * A folder that was given back and is lent again: the first checkout of a commit is git's
   * own, the next ones copies, and a folder is lent again once it is found unchanged.
   */
  async function lentAgain(): Promise<AttemptFolder> {
    for (let i = 0; i < 3; i++) {
      const folder = await take();
      await folders.giveBack(folder, true);
      const next = await take();
      if (next.path === folder.path) return next;
      await folders.giveBack(next, true);
    }
    throw new Error('no folder was lent again');
  }

  async function expectCleanCheckout(folder: AttemptFolder): Promise<void> {
    const src = folder.checkout.path;
    expect(git(src, 'status', '--porcelain', '--ignored')).toBe('');
    expect(git(src, 'rev-parse', 'HEAD')).toBe(head);
    expect(await readFile(join(src, 'app.txt'), 'utf8')).toBe('one\n');
    expect(await readdir(folder.path)).toEqual(['src']);
  }

  it('lends a folder given back to the next attempt of the same commit, as it was made', async () => {
    const folder = await lentAgain();
    await expectCleanCheckout(folder);
    await folders.giveBack(folder, true);
    const again = await take();
    expect(again.path).toBe(folder.path);
  });

  const changes: readonly [string, (src: string, folder: string) => unknown][] = [
    [
      'a file rewritten at once with the same size',
      (src) => writeFile(join(src, 'app.txt'), 'two\n'),
    ],
    ['a file grown', (src) => appendFile(join(src, 'app.txt'), 'more\n')],
    ['a file deleted', (src) => unlink(join(src, 'app.txt'))],
    ['a file made executable', (src) => chmod(join(src, 'app.txt'), 0o755)],
    ['a new file', (src) => writeFile(join(src, 'build-output.o'), '')],
    ['a new file in a subfolder', (src) => writeFile(join(src, 'bin', 'cache'), '')],
    ['a new empty folder', (src) => mkdir(join(src, 'node_modules'))],
    [
      'a link retargeted',
      async (src) => {
        await unlink(join(src, 'build'));
        await symlink('app.txt', join(src, 'build'));
      },
    ],
    ['another commit checked out', (src) => git(src, 'checkout', '-q', '--detach', older)],
    [
      'a file staged',
      async (src) => {
        await writeFile(join(src, 'new.txt'), 'new\n');
        git(src, 'add', 'new.txt');
        await unlink(join(src, 'new.txt'));
      },
    ],
    [
      'output left in the shared results folder',
      async (_src, folder) => {
        await mkdir(join(folder, 'unread-results'), { recursive: true });
        await writeFile(join(folder, 'unread-results', 'version'), '1.0');
      },
    ],
    ['a file next to the checkout', (_src, folder) => writeFile(join(folder, 'scratch.txt'), '')],
  ];

  it.each(changes)(
    'removes a folder left with %s and makes the next attempt a new one',
    async (_what, change) => {
      const folder = await lentAgain();
      await change(folder.checkout.path, folder.path);
      await folders.giveBack(folder, true);
      const next = await take();
      expect(next.path).not.toBe(folder.path);
      await expectCleanCheckout(next);
      await expect(stat(folder.path)).rejects.toThrow(/ENOENT/);
    },
  );

  it('reuses a folder whose files were only read, and one whose shared results folder is empty', async () => {
    const folder = await lentAgain();
    expect(await readFile(join(folder.checkout.path, 'bin', 'build.sh'), 'utf8')).toContain(
      'built',
    );
    await mkdir(join(folder.path, 'unread-results'));
    await folders.giveBack(folder, true);
    expect((await take()).path).toBe(folder.path);
  });

  it('removes an attempt’s results and artifacts when it gives its folder back', async () => {
    const folder = await lentAgain();
    await mkdir(join(folder.path, 'results', 'build.1'), { recursive: true });
    await writeFile(join(folder.path, 'results', 'build.1', 'version'), '1.0');
    await mkdir(join(folder.path, 'artifacts'));
    await folders.giveBack(folder, true);
    expect(await readdir(folder.path)).toEqual(['src']);
    expect((await take()).path).toBe(folder.path);
  });

  it('removes a folder given back without reuse, and never lends one to another commit', async () => {
    const folder = await lentAgain();
    await folders.giveBack(folder, false);
    await expect(stat(folder.path)).rejects.toThrow(/ENOENT/);

    const kept = await lentAgain();
    await folders.giveBack(kept, true);
    const other = await take(older);
    expect(other.path).not.toBe(kept.path);
    expect(await readFile(join(other.checkout.path, 'app.txt'), 'utf8')).toBe('one\n');
    await expect(stat(join(other.checkout.path, 'bin'))).rejects.toThrow(/ENOENT/);
  });

  it('keeps at most its limit of idle folders, and removes them all when cleared', async () => {
    const taken = await Promise.all([take(), take(), take(), take()]);
    for (const folder of taken) await folders.giveBack(folder, true);
    expect(await readdir(join(temp, 'attempts'))).toHaveLength(2);
    await folders.clear();
    expect(await readdir(join(temp, 'attempts'))).toEqual([]);
  });

  it('removes a folder no attempt took back within a minute of its giving back', async () => {
    const [early, late] = await Promise.all([take(), take()]);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      await folders.giveBack(early, true);
      await vi.advanceTimersByTimeAsync(30_000);
      await folders.giveBack(late, true);
      await vi.advanceTimersByTimeAsync(31_000);
      await expect(stat(early.path)).rejects.toThrow(/ENOENT/);
      expect((await stat(late.path)).isDirectory()).toBe(true);
      await vi.advanceTimersByTimeAsync(30_000);
      await expect(stat(late.path)).rejects.toThrow(/ENOENT/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('returns the checkout’s error and leaves no folder when the commit cannot be checked out', async () => {
    const failed = await folders.take(repo, 'f'.repeat(40), signal);
    expect(failed).toBeInstanceOf(Error);
    expect(await readdir(join(temp, 'attempts'))).toEqual([]);
  });
});
