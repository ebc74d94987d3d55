import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactFiles, ArtifactWriteError } from './artifact-files.js';

describe('ArtifactFiles', () => {
  let root: string;
  let files: ArtifactFiles;
  const at = (path: string) => ({ runId: 'run-1', attemptId: 'att-1', path });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-artifacts-'));
    files = new ArtifactFiles(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores a file under its run and attempt, with its size and hash, and reads it back', async () => {
    const stored = await files.write(at('dist/app.js'), Readable.from(['con', 'tent']), 7);
    expect(stored).toEqual({
      size: 7,
      sha256: createHash('sha256').update('content').digest('hex'),
    });
    expect(await readFile(join(root, 'run-1', 'att-1', 'dist', 'app.js'), 'utf8')).toBe('content');
    const opened = await files.open(at('dist/app.js'));
    expect(opened?.size).toBe(7);
    expect(await text(opened?.stream ?? Readable.from([]))).toBe('content');
    expect(await files.open(at('dist/other.js'))).toBeNull();
  });

  it('replaces a file stored again', async () => {
    await files.write(at('a.txt'), Readable.from(['one']), 3);
    await files.write(at('a.txt'), Readable.from(['three']), 5);
    expect(await readFile(files.fileOf(at('a.txt')), 'utf8')).toBe('three');
  });

  it('refuses a body shorter or longer than announced and leaves nothing behind', async () => {
    await expect(files.write(at('short'), Readable.from(['abc']), 4)).rejects.toThrow(
      new ArtifactWriteError('short', 'the body ended after 3 of 4 bytes'),
    );
    await expect(files.write(at('long'), Readable.from(['abc', 'de']), 4)).rejects.toThrow(
      'the body is longer than its 4 bytes',
    );
    expect(await files.open(at('short'))).toBeNull();
    expect(await files.open(at('long'))).toBeNull();
    expect(await readdir(join(root, '.incoming'))).toEqual([]);
  });

  it('refuses a path that clashes with a file or folder of the same attempt', async () => {
    await files.write(at('out'), Readable.from(['x']), 1);
    const clash = files.write(at('out/inner.txt'), Readable.from(['y']), 1);
    await expect(clash).rejects.toMatchObject({ reason: 'clash' });
    await files.write(at('dir/file'), Readable.from(['z']), 1);
    await expect(files.write(at('dir'), Readable.from(['w']), 1)).rejects.toMatchObject({
      reason: 'clash',
    });
  });

  it('never builds a file name from a path that is not allowed', () => {
    for (const path of ['../x', '/etc/passwd', 'a/../../b', 'a\0b', 'a\\b', '']) {
      expect(() => files.fileOf(at(path))).toThrow();
    }
    expect(() => files.fileOf({ runId: '..', attemptId: 'a', path: 'x' })).not.toThrow();
    expect(files.fileOf({ runId: '..', attemptId: '.', path: 'x' }).startsWith(root)).toBe(true);
  });

  it('removes a run and files abandoned while being received', async () => {
    await files.write(at('a'), Readable.from(['a']), 1);
    await files.write({ ...at('b'), runId: 'run-2' }, Readable.from(['b']), 1);
    await files.removeRun('run-1');
    expect(await files.open(at('a'))).toBeNull();
    expect(await files.open({ ...at('b'), runId: 'run-2' })).not.toBeNull();

    await mkdir(join(root, '.incoming'), { recursive: true });
    await writeFile(join(root, '.incoming', 'old'), 'x');
    await writeFile(join(root, '.incoming', 'new'), 'x');
    const old = new Date(Date.now() - 2 * 86_400_000);
    await utimes(join(root, '.incoming', 'old'), old, old);
    expect(await files.removeAbandoned(Date.now() - 86_400_000)).toBe(1);
    expect(await readdir(join(root, '.incoming'))).toEqual(['new']);
  });
});
