import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PIPELINE_PATHS } from '@slipway/core';
import { launchHere, type CommandLauncher } from '@slipway/executors';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFiles, git, gitRepository, TWO_TASKS } from '../testing/server-fixture.js';
import { CommitPipelines } from './commit-pipelines.js';
import { RepositoryCache } from './repository-cache.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A repository cache whose git commands are recorded (their subcommand) as they start. */
async function recordingCache(): Promise<{ cache: RepositoryCache; commands: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-cache-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const commands: string[] = [];
  const launch: CommandLauncher = (file, args, options) => {
    commands.push(subcommand(args));
    return launchHere(file, args, options);
  };
  return { cache: new RepositoryCache(join(dir, 'repos'), join(dir, 'scratch'), launch), commands };
}

function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-C' || arg === '-c' || arg === '--git-dir' || arg === '--work-tree') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return '';
}

async function sourceRepository(files: Record<string, string>) {
  const repo = await gitRepository(files);
  cleanups.push(() => repo.remove());
  return repo;
}

describe('RepositoryCache.resolve', () => {
  it('fetches only when the source has changed since the last fetch', async () => {
    const repo = await sourceRepository({ 'README.md': 'hello\n' });
    const source = `file://${repo.dir}`;
    const { cache, commands } = await recordingCache();

    expect(await cache.resolve(source, 'main')).toEqual({ commit: repo.commit, branch: 'main' });
    expect(commands).toContain('fetch');

    commands.length = 0;
    expect(await cache.resolve(source, 'main')).toEqual({ commit: repo.commit, branch: 'main' });
    expect(commands).toEqual(['ls-remote']);

    const next = await commitFiles(repo.dir, { 'README.md': 'changed\n' });
    commands.length = 0;
    expect(await cache.resolve(source, 'main')).toEqual({ commit: next, branch: 'main' });
    expect(commands).toEqual(['ls-remote', 'fetch']);
    expect(await cache.commitMessage(source, next)).toBe('change README.md');
  });

  it('resolves annotated and lightweight tags to their commits, and commit ids from the mirror', async () => {
    const repo = await sourceRepository({ 'README.md': 'hello\n' });
    await git(repo.dir, 'tag', '--annotate', '--message', 'release', 'v1.0.0');
    await git(repo.dir, 'tag', 'light');
    const { cache } = await recordingCache();

    expect(await cache.resolve(repo.dir, 'v1.0.0')).toEqual({ commit: repo.commit, tag: 'v1.0.0' });
    expect(await cache.resolve(repo.dir, 'refs/tags/light')).toEqual({
      commit: repo.commit,
      tag: 'light',
    });
    expect(await cache.resolve(repo.dir, repo.commit.slice(0, 10))).toEqual({
      commit: repo.commit,
    });
    await expect(cache.resolve(repo.dir, 'nope')).rejects.toThrow(/ref "nope" does not exist/);
  });

  it('finds a commit pushed to a source on this machine without fetching it', async () => {
    const repo = await sourceRepository({ 'README.md': 'hello\n' });
    const { cache, commands } = await recordingCache();
    await cache.resolve(repo.dir, 'main');
    const next = await commitFiles(repo.dir, { 'README.md': 'changed\n' });

    commands.length = 0;
    expect(await cache.fetchCommit(repo.dir, next)).toBe(next);
    expect(commands).toEqual(['rev-parse']);
    commands.length = 0;
    expect(await cache.resolve(repo.dir, 'main')).toEqual({ commit: next, branch: 'main' });
    expect(commands).toEqual(['for-each-ref', 'fetch']);
    commands.length = 0;
    await cache.resolve(repo.dir, 'main');
    expect(commands).toEqual(['for-each-ref']);
    // A branch named as a diff base is read as the source has it now.
    expect(await cache.changedFiles(repo.dir, 'refs/heads/main', next)).toEqual([]);
    expect(await cache.changedFiles(repo.dir, repo.commit, next)).toEqual(['README.md']);
  });

  it('fetches a commit pushed to a source named by URL', async () => {
    const repo = await sourceRepository({ 'README.md': 'hello\n' });
    const source = `file://${repo.dir}`;
    const { cache, commands } = await recordingCache();
    await cache.resolve(source, 'main');
    const next = await commitFiles(repo.dir, { 'README.md': 'changed\n' });

    commands.length = 0;
    expect(await cache.fetchCommit(source, next)).toBe(next);
    expect(commands).toEqual(['fetch', 'rev-parse']);
  });

  it('says which source it cannot read', async () => {
    const { cache } = await recordingCache();
    await expect(cache.resolve('/nonexistent/repository', 'main')).rejects.toThrow(
      /cannot fetch \/nonexistent\/repository/,
    );
  });
});

describe('RepositoryCache.withCheckout', () => {
  it('writes only the paths asked for, and everything when none are', async () => {
    const repo = await sourceRepository({
      '.slipway.yml': TWO_TASKS,
      '.slipway/deploy.yml': TWO_TASKS.replace('name: ci', 'name: deploy'),
      Makefile: 'test:\n\ttrue\n',
      'src/app.js': 'console.log(1);\n',
      'docs/.slipway.yml': 'not at the root\n',
    });
    const { cache } = await recordingCache();
    await cache.resolve(repo.dir, 'main');
    const listFiles = async (dir: string) =>
      (await readdir(dir, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
        .sort();

    const partial = await cache.withCheckout(repo.dir, repo.commit, listFiles, PIPELINE_PATHS);
    const whole = await cache.withCheckout(repo.dir, repo.commit, listFiles);

    expect(partial).toEqual(['.slipway.yml', '.slipway/deploy.yml', 'Makefile']);
    expect(whole).toEqual([
      '.slipway.yml',
      '.slipway/deploy.yml',
      'Makefile',
      'docs/.slipway.yml',
      'src/app.js',
    ]);
  });
});

describe('CommitPipelines', () => {
  it('checks a commit out once to load its pipelines', async () => {
    const repo = await sourceRepository({ '.slipway.yml': TWO_TASKS });
    const { cache, commands } = await recordingCache();
    const pipelines = new CommitPipelines(cache, join(repo.dir, '..', 'templates-unused'));
    await cache.resolve(repo.dir, 'main');

    commands.length = 0;
    const first = await pipelines.load(repo.dir, repo.commit);
    const again = await pipelines.load(repo.dir, repo.commit);

    expect(first.pipelines.map((p) => p.name)).toEqual(['ci']);
    expect(again).toBe(first);
    expect(commands).toEqual(['read-tree']);
  });
});

describe('CommitPipelines with files outside the pipeline paths', () => {
  it('loads a template of the repository from a checkout of everything', async () => {
    const repo = await sourceRepository({
      '.slipway.yml': 'name: ci\ntasks:\n  build:\n    uses: ./ci/build.yml\n',
      'ci/build.yml': 'task:\n  steps: [make]\n',
    });
    const { cache, commands } = await recordingCache();
    const pipelines = new CommitPipelines(cache, join(repo.dir, '..', 'templates-unused'));
    await cache.resolve(repo.dir, 'main');

    commands.length = 0;
    const loaded = await pipelines.load(repo.dir, repo.commit);

    expect(loaded.diagnostics).toEqual([]);
    expect([...(loaded.pipelines[0]?.templates.values() ?? [])].map((t) => t.provenance)).toEqual([
      expect.objectContaining({ kind: 'file', path: 'ci/build.yml' }),
    ]);
    expect(commands).toEqual(['read-tree', 'read-tree']);
  });

  it('follows a link of a pipeline file inside the repository, and refuses one out of it', async () => {
    const repo = await sourceRepository({ 'ci/pipeline.yml': TWO_TASKS });
    await symlink('ci/pipeline.yml', join(repo.dir, '.slipway.yml'));
    const inside = await commitFiles(repo.dir, {}, 'link inside');
    await mkdir(join(repo.dir, '.slipway'));
    await symlink('/etc/hostname', join(repo.dir, '.slipway', 'outside.yml'));
    const outside = await commitFiles(repo.dir, {}, 'link outside');
    const { cache } = await recordingCache();
    const pipelines = new CommitPipelines(cache, join(repo.dir, '..', 'templates-unused'));
    await cache.resolve(repo.dir, 'main');

    const loaded = await pipelines.load(repo.dir, inside);

    expect(loaded.pipelines.map((p) => p.name)).toEqual(['ci']);
    await expect(pipelines.load(repo.dir, outside)).rejects.toThrow(
      'this file links to a file outside the repository',
    );
  });
});
