import {
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '@slipway/core';
import { StepRunnerExecutor } from '@slipway/executors/step-runner';
import { GitCheckouts, type Checkout } from './git-checkouts.js';
import { commitAll, git, initRepository } from './testing/git-repository.js';
import { launchHere, type CommandLauncher } from '@slipway/executors';

describe('GitCheckouts', () => {
  let temp = '';
  let repo = '';
  let first = '';
  let second = '';
  let checkouts: GitCheckouts;

  beforeEach(async () => {
    temp = await realpath(await mkdtemp(join(tmpdir(), 'slipway-checkouts-')));
    repo = join(temp, 'repo');
    initRepository(repo);
    await writeFile(join(repo, 'app.txt'), 'one\n');
    first = commitAll(repo, 'one');
    git(repo, 'tag', 'v1');
    await writeFile(join(repo, 'app.txt'), 'two\n');
    second = commitAll(repo, 'two');
    checkouts = new GitCheckouts(join(temp, 'cache'));
  });

  afterEach(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  it('checks out the exact commit asked for, not the branch head', async () => {
    const checkout = await checkouts.checkout(repo, first, join(temp, 'a'));
    expect(checkout.commit).toBe(first);
    expect(await readFile(join(temp, 'a', 'app.txt'), 'utf8')).toBe('one\n');
    expect(git(join(temp, 'a'), 'rev-parse', 'HEAD')).toBe(first);
    await checkout.remove();
    await expect(stat(join(temp, 'a'))).rejects.toThrow();
  });

  it('makes each checkout a linked worktree of the cache, clean, and gone once removed', async () => {
    const checkout = await checkouts.checkout(repo, 'main', join(temp, 'w'));
    const dir = join(temp, 'w');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(git(dir, 'log', '--format=%s')).toBe('two\none');
    const cache = git(dir, 'rev-parse', '--path-format=absolute', '--git-common-dir');
    expect(git(cache, 'worktree', 'list', '--porcelain')).toContain(`worktree ${dir}\n`);
    await checkout.remove();
    expect(git(cache, 'worktree', 'list', '--porcelain')).not.toContain(dir);
  });

  it('forgets worktrees an earlier process left behind', async () => {
    const left = await checkouts.checkout(repo, first, join(temp, 'left'));
    const cache = git(left.path, 'rev-parse', '--path-format=absolute', '--git-common-dir');
    await rm(left.path, { recursive: true, force: true });
    const later = new GitCheckouts(join(temp, 'cache'));
    const checkout = await later.checkout(repo, second, join(temp, 'next'));
    const listed = git(cache, 'worktree', 'list', '--porcelain');
    expect(listed).toContain(`worktree ${checkout.path}\n`);
    expect(listed).not.toContain(left.path);
    await checkout.remove();
  });

  it('refuses a folder that exists already, and leaves it alone', async () => {
    await mkdir(join(temp, 'taken'));
    await writeFile(join(temp, 'taken', 'mine.txt'), 'keep');
    await expect(checkouts.checkout(repo, first, join(temp, 'taken'))).rejects.toThrow(/EEXIST/);
    expect(await readFile(join(temp, 'taken', 'mine.txt'), 'utf8')).toBe('keep');
  });

  it('starts every git command through the launcher it is given, such as a step runner', async () => {
    const runner = new StepRunnerExecutor();
    const started: string[] = [];
    const launch: CommandLauncher = (file, args, options) => {
      started.push(args.find((arg) => !arg.startsWith('-') && !arg.includes('=')) ?? file);
      return runner.execFile(file, args, options);
    };
    try {
      const launched = new GitCheckouts(join(temp, 'runner-cache'), launch);
      const checkout = await launched.checkout(repo, 'main', join(temp, 'r'));
      expect(checkout.commit).toBe(second);
      expect(await readFile(join(temp, 'r', 'app.txt'), 'utf8')).toBe('two\n');
      expect(started).toEqual(expect.arrayContaining(['init', 'fetch', 'read-tree']));
      await expect(launched.checkout(repo, 'no-such-branch', join(temp, 'n'))).rejects.toThrow(
        /no commit, branch or tag "no-such-branch"/,
      );
      await checkout.remove();
    } finally {
      await runner.close();
    }
  });

  const recordingCheckouts = (cache: string) => {
    const started: string[] = [];
    const checkouts = new GitCheckouts(join(temp, cache), (file, args, options) => {
      started.push(args.find((arg) => !arg.startsWith('-') && !arg.includes('=')) ?? file);
      return launchHere(file, args, options);
    });
    return { checkouts, started };
  };

  const commitThree = async (): Promise<string> => {
    await writeFile(join(repo, 'app.txt'), 'three\n');
    git(repo, 'commit', '-q', '-am', 'three');
    return git(repo, 'rev-parse', 'HEAD');
  };

  it('checks a new commit of a URL source out with one fetch and no further lookups', async () => {
    const { checkouts: recording, started } = recordingCheckouts('url-cache');
    const source = `file://${repo}`;
    const a = await recording.checkout(source, first, join(temp, 'a'));
    const third = await commitThree();

    started.length = 0;
    const b = await recording.checkout(source, third, join(temp, 'b'));
    expect(started).toEqual(['read-tree', 'fetch', 'read-tree']);
    expect(b.commit).toBe(third);
    expect(await readFile(join(temp, 'b', 'app.txt'), 'utf8')).toBe('three\n');
    await expect(recording.checkout(source, 'f'.repeat(40), join(temp, 'x'))).rejects.toThrow(
      /has no commit, branch or tag "f{40}"/,
    );
    await Promise.all([a.remove(), b.remove()]);
  });

  it('checks a new commit of a source on this machine out without fetching it', async () => {
    const { checkouts: recording, started } = recordingCheckouts('local-cache');
    const a = await recording.checkout(repo, first, join(temp, 'a'));
    const third = await commitThree();

    started.length = 0;
    const b = await recording.checkout(repo, third, join(temp, 'b'));
    expect(started).toEqual(['read-tree']);
    expect(await readFile(join(temp, 'b', 'app.txt'), 'utf8')).toBe('three\n');
    await Promise.all([a.remove(), b.remove()]);
  });

  it('looks a commit up once for checkouts of it asked for at the same time', async () => {
    const alone = recordingCheckouts('alone-cache');
    const single = await alone.checkouts.checkout(repo, first, join(temp, 'single'));
    const together = recordingCheckouts('together-cache');
    const many = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => together.checkouts.checkout(repo, first, join(temp, `m${n}`))),
    );
    const lookups = (started: string[]) => started.filter((command) => command !== 'read-tree');
    expect(lookups(together.started)).toEqual(lookups(alone.started));
    // One for the first checkout, one for the template the other four copy.
    expect(together.started.filter((command) => command === 'read-tree')).toHaveLength(2);
    expect(many.map((checkout) => checkout.commit)).toEqual(Array(5).fill(first));
    await Promise.all([single, ...many].map((checkout) => checkout.remove()));
  });

  it('copies further checkouts of a commit from a template: as git would check them out, each its own', async () => {
    await mkdir(join(repo, 'bin'));
    await writeFile(join(repo, 'bin', 'build.sh'), '#!/bin/sh\necho built\n', { mode: 0o755 });
    await symlink('bin/build.sh', join(repo, 'build'));
    await writeFile(join(repo, '.gitattributes'), '*.bat text eol=crlf\n');
    await writeFile(join(repo, 'run.bat'), 'echo one\necho two\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'more files');
    const head = git(repo, 'rev-parse', 'HEAD');
    const { checkouts: recording, started } = recordingCheckouts('template-cache');

    const made = await Promise.all(
      [1, 2, 3, 4].map((n) => recording.checkout(repo, head, join(temp, `t${n}`))),
    );
    expect(started.filter((command) => command === 'read-tree')).toHaveLength(2);
    for (const { path } of made) {
      expect(git(path, 'status', '--porcelain')).toBe('');
      git(path, 'diff-index', '--quiet', 'HEAD');
      expect((await stat(join(path, 'bin', 'build.sh'))).mode & 0o111).not.toBe(0);
      expect(await readlink(join(path, 'build'))).toBe('bin/build.sh');
      expect(await readFile(join(path, 'run.bat'), 'utf8')).toBe('echo one\r\necho two\r\n');
    }

    const [changed, untouched] = made as [Checkout, Checkout];
    await writeFile(join(changed.path, 'app.txt'), 'changed\n');
    expect(() => git(changed.path, 'diff-index', '--quiet', 'HEAD')).toThrow();
    git(untouched.path, 'diff-index', '--quiet', 'HEAD');
    expect(await readFile(join(untouched.path, 'app.txt'), 'utf8')).toBe('two\n');

    await rm(join(temp, 'template-cache', 'templates'), { recursive: true, force: true });
    started.length = 0;
    const afterLoss = await recording.checkout(repo, head, join(temp, 't5'));
    expect(started).toEqual(['read-tree']);
    expect(git(afterLoss.path, 'status', '--porcelain')).toBe('');
    await Promise.all([...made, afterLoss].map((checkout) => checkout.remove()));
  });

  it('checks out branches and tags by name', async () => {
    const branch = await checkouts.checkout(repo, 'main', join(temp, 'b'));
    const tag = await checkouts.checkout(repo, 'v1', join(temp, 't'));
    expect(branch.commit).toBe(second);
    expect(tag.commit).toBe(first);
    await Promise.all([branch.remove(), tag.remove()]);
  });

  it('serves a commit it fetched from a URL before from its cache', async () => {
    const source = `file://${repo}`;
    const a = await checkouts.checkout(source, first, join(temp, 'a'));
    await rm(repo, { recursive: true, force: true });
    const b = await checkouts.checkout(source, first, join(temp, 'b'));
    expect(await readFile(join(temp, 'b', 'app.txt'), 'utf8')).toBe('one\n');
    await Promise.all([a.remove(), b.remove()]);
  });

  it('checks out again where a checkout folder was deleted behind its back, or the cache was', async () => {
    const a = await checkouts.checkout(repo, first, join(temp, 'a'));
    await rm(join(temp, 'a'), { recursive: true, force: true });
    const again = await checkouts.checkout(repo, first, join(temp, 'a'));
    expect(await readFile(join(temp, 'a', 'app.txt'), 'utf8')).toBe('one\n');
    await again.remove();
    await a.remove();
    await rm(join(temp, 'cache'), { recursive: true, force: true });
    const afresh = await checkouts.checkout(repo, first, join(temp, 'b'));
    expect(await readFile(join(temp, 'b', 'app.txt'), 'utf8')).toBe('one\n');
    await afresh.remove();
  });

  it('checks out many commits of one source at once', async () => {
    const all = await Promise.all(
      [first, second, first, second, 'main', 'v1'].map((commit, i) =>
        checkouts.checkout(repo, commit, join(temp, `c${i}`)),
      ),
    );
    expect(all.map((c) => c.commit)).toEqual([first, second, first, second, second, first]);
    await Promise.all(all.map((c) => c.remove()));
  });

  it('says which commit is missing', async () => {
    const missing = 'e'.repeat(40);
    await expect(checkouts.checkout(repo, missing, join(temp, 'x'))).rejects.toThrow(
      new RegExp(`has no commit, branch or tag "${missing}"`),
    );
  });

  it('refuses sources and commits that would read as git options', async () => {
    await expect(
      checkouts.checkout('--upload-pack=touch /tmp/owned', first, join(temp, 'x')),
    ).rejects.toBeInstanceOf(UserError);
    await expect(checkouts.checkout(repo, '--output=/tmp/owned', join(temp, 'x'))).rejects.toThrow(
      /not a commit id, branch or tag name/,
    );
    await expect(checkouts.checkout(repo, 'main:refs/heads/x', join(temp, 'x'))).rejects.toThrow(
      /not a commit id, branch or tag name/,
    );
  });

  it('hides passwords of sources it cannot fetch', async () => {
    const wrongRef = await checkouts
      .checkout('http://user:s3cret@127.0.0.1:9/repo.git', 'main', join(temp, 'x'))
      .catch((e: unknown) => e);
    expect(wrongRef).toBeInstanceOf(UserError);
    expect(String(wrongRef)).toMatch(/cannot fetch http:\/\/\*\*\*@127\.0\.0\.1:9\/repo\.git/);
    expect(String(wrongRef)).not.toContain('s3cret');
  });
});
