import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFolders } from './make-folders.js';

describe('makeFolders', () => {
  let temp = '';
  afterEach(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  it('makes every missing level, and accepts folders that exist', async () => {
    temp = await mkdtemp(join(tmpdir(), 'slipway-folders-'));
    makeFolders(join(temp, 'a', 'b', 'c'));
    makeFolders(join(temp, 'a', 'b', 'c'));
    expect((await stat(join(temp, 'a', 'b', 'c'))).isDirectory()).toBe(true);
  });

  it('names the part of the path that is a file', async () => {
    temp = await mkdtemp(join(tmpdir(), 'slipway-folders-'));
    await writeFile(join(temp, 'a-file'), '');
    expect(() => {
      makeFolders(join(temp, 'a-file', 'b', 'c'));
    }).toThrow(`${join(temp, 'a-file')} is not a folder`);
  });

  it('fails at once where the system refuses new folders', () => {
    expect(() => {
      makeFolders('/proc/slipway-nope/deeper');
    }).toThrow(/ENOENT/);
  });
});
