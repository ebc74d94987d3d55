import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@slipway/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalWorkspace, MAX_RESULT_BYTES } from './local-workspace.js';

let base: string;
let root: string;
let outside: string;
let workspace: LocalWorkspace;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'slipway-workspace-'));
  root = join(base, 'repo');
  outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'not yours');
  workspace = new LocalWorkspace({
    root,
    scratch: join(base, 'scratch'),
    artifactsDir: join(base, 'artifacts'),
  });
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function put(path: string, text: string): Promise<void> {
  const full = join(root, path);
  await mkdir(join(full, '..'), { recursive: true });
  await writeFile(full, text);
}

async function userError(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as UserError).message;
}

describe('LocalWorkspace', () => {
  it('gives each attempt the checkout and an empty results folder of its own', async () => {
    const first = await workspace.prepareAttempt('test[os=linux]', 1, ['version']);
    expect(first.workingDirectory).toBe(root);
    await writeFile(join(first.resultsDirectory, 'left-over'), 'x');
    const again = await workspace.prepareAttempt('test[os=linux]', 1, ['version']);
    expect(again.resultsDirectory).toBe(first.resultsDirectory);
    expect(await readdir(again.resultsDirectory)).toEqual([]);
    const second = await workspace.prepareAttempt('test[os=linux]', 2, ['version']);
    const other = await workspace.prepareAttempt('test[os=mac]', 1, ['version']);
    expect(new Set([first, second, other].map((d) => d.resultsDirectory)).size).toBe(3);
  });

  it('gives tasks without declared results one writable folder apart from the others', async () => {
    const declared = await workspace.prepareAttempt('build', 1, ['version']);
    const [lint, test] = await Promise.all([
      workspace.prepareAttempt('lint', 1, []),
      workspace.prepareAttempt('test', 1, []),
    ]);
    expect(lint).toEqual(test);
    expect(lint.workingDirectory).toBe(root);
    expect(lint.resultsDirectory).not.toBe(declared.resultsDirectory);
    await writeFile(join(lint.resultsDirectory, 'version'), 'not a result');
    expect(await readdir(declared.resultsDirectory)).toEqual([]);
  });

  describe('results', () => {
    it('reads each declared result, trimming one trailing newline', async () => {
      const { resultsDirectory: dir } = await workspace.prepareAttempt('build', 1, ['version']);
      await writeFile(join(dir, 'version'), '1.2.3\n');
      await writeFile(join(dir, 'notes'), 'line one\nline two\r\n');
      await writeFile(join(dir, 'empty'), '');
      await writeFile(join(dir, 'blank-lines'), 'x\n\n');
      expect(
        await workspace.readResults(dir, ['version', 'notes', 'empty', 'blank-lines']),
      ).toEqual({
        version: '1.2.3',
        notes: 'line one\nline two',
        empty: '',
        'blank-lines': 'x\n',
      });
    });

    it('refuses a missing result, naming it and its file', async () => {
      const { resultsDirectory: dir } = await workspace.prepareAttempt('build', 1, ['version']);
      const message = await userError(workspace.readResults(dir, ['digest']));
      expect(message).toContain('result digest was not written');
      expect(message).toContain(join(dir, 'digest'));
    });

    it('accepts 4 KiB and refuses more', async () => {
      const { resultsDirectory: dir } = await workspace.prepareAttempt('build', 1, ['version']);
      await writeFile(join(dir, 'fits'), `${'a'.repeat(MAX_RESULT_BYTES)}\n`);
      await writeFile(join(dir, 'big'), 'a'.repeat(MAX_RESULT_BYTES + 1));
      expect((await workspace.readResults(dir, ['fits'])).fits).toHaveLength(MAX_RESULT_BYTES);
      const message = await userError(workspace.readResults(dir, ['big']));
      expect(message).toContain('result big is over 4 KiB');
      expect(message).toContain(join(dir, 'big'));
    });

    it('refuses a result that is a link or a folder', async () => {
      const { resultsDirectory: dir } = await workspace.prepareAttempt('build', 1, ['version']);
      await symlink(join(outside, 'secret.txt'), join(dir, 'stolen'));
      await mkdir(join(dir, 'folder'));
      expect(await userError(workspace.readResults(dir, ['stolen']))).toContain('is a link');
      expect(await userError(workspace.readResults(dir, ['folder']))).toContain(
        'not a regular file',
      );
      expect(await userError(workspace.readResults(dir, ['../escape']))).toContain(
        'cannot be a file name',
      );
    });
  });

  describe('reports', () => {
    it('reads the files matching the patterns, in a stable order', async () => {
      await put('reports/unit.xml', '<unit/>');
      await put('reports/nested/e2e.xml', '<e2e/>');
      await put('reports/notes.txt', 'no');
      expect(await workspace.readReportFiles(['reports/**/*.xml'])).toEqual([
        { file: 'reports/nested/e2e.xml', text: '<e2e/>' },
        { file: 'reports/unit.xml', text: '<unit/>' },
      ]);
      expect(await workspace.readReportFiles(['missing/*.xml'])).toEqual([]);
    });

    it('refuses patterns and links that leave the checkout', async () => {
      await mkdir(join(root, 'reports'));
      await symlink(join(outside, 'secret.txt'), join(root, 'reports', 'evil.xml'));
      expect(await userError(workspace.readReportFiles(['reports/*.xml']))).toContain(
        'outside the workspace',
      );
      expect(await userError(workspace.readReportFiles(['../outside/*.txt']))).toContain('".."');
      expect(await userError(workspace.readReportFiles([join(outside, '*.txt')]))).toContain(
        'absolute path',
      );
    });
  });

  describe('artifacts', () => {
    it('copies matching files into the artifact store, keeping their paths', async () => {
      await put('dist/app.js', 'console.log(1)');
      await put('dist/assets/logo.svg', '<svg/>');
      await put('coverage.txt', '93%');
      await symlink(join(root, 'dist', 'app.js'), join(root, 'latest.js'));
      const kept = await workspace.collectArtifacts('build[os=linux]', ['dist', 'latest.js']);
      expect(kept).toEqual([
        { path: 'dist/app.js', size: 14 },
        { path: 'dist/assets/logo.svg', size: 6 },
        { path: 'latest.js', size: 14 },
      ]);
      const store = join(base, 'artifacts', encodeURIComponent('build[os=linux]'));
      expect(await readFile(join(store, 'dist', 'assets', 'logo.svg'), 'utf8')).toBe('<svg/>');
      expect(await readFile(join(store, 'latest.js'), 'utf8')).toBe('console.log(1)');
    });

    it('refuses "..", absolute paths and links out of the checkout, copying nothing', async () => {
      await put('dist/app.js', 'ok');
      await symlink(join(outside, 'secret.txt'), join(root, 'dist', 'secret.txt'));
      await symlink(outside, join(root, 'linked-dir'));
      expect(await userError(workspace.collectArtifacts('b', ['dist/*']))).toContain(
        'dist/secret.txt is a link to',
      );
      expect(await userError(workspace.collectArtifacts('b', ['linked-dir/**']))).toContain(
        'outside the workspace',
      );
      expect(await userError(workspace.collectArtifacts('b', ['dist/../../outside/*']))).toContain(
        '".."',
      );
      expect(await userError(workspace.collectArtifacts('b', ['/etc/passwd']))).toContain(
        'absolute path',
      );
      await expect(readdir(join(base, 'artifacts'))).rejects.toThrow();
    });

    it('says which artifact it cannot keep when the artifact store is not a folder', async () => {
      await put('dist/app.js', 'ok');
      await writeFile(join(base, 'artifacts'), 'a file where the store should be');
      expect(await userError(workspace.collectArtifacts('b', ['dist/*']))).toContain(
        `cannot keep the artifact dist/app.js in ${join(base, 'artifacts', 'b')} (${join(base, 'artifacts')} is not a folder)`,
      );
    });
  });
});
