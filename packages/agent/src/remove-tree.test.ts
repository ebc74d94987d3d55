import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeTree } from './remove-tree.js';

let dir = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-remove-tree-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('removeTree', () => {
  it('removes a folder with nested folders, files and empty folders', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'a', 'b', 'c'), { recursive: true });
    mkdirSync(join(tree, 'empty'));
    writeFileSync(join(tree, 'top.txt'), 'x');
    writeFileSync(join(tree, 'a', 'b', 'deep.txt'), 'y');
    await removeTree(tree);
    expect(existsSync(tree)).toBe(false);
  });

  it('removes links without following them', async () => {
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep.txt'), 'kept');
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    symlinkSync(outside, join(tree, 'link-to-folder'));
    symlinkSync(join(outside, 'keep.txt'), join(tree, 'link-to-file'));
    const rootLink = join(dir, 'root-link');
    symlinkSync(outside, rootLink);

    await removeTree(tree);
    await removeTree(rootLink);

    expect(existsSync(tree)).toBe(false);
    expect(existsSync(rootLink)).toBe(false);
    expect(readdirSync(outside)).toEqual(['keep.txt']);
  });

  it('takes a file, and a path that does not exist, without complaint', async () => {
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'x');
    await removeTree(file);
    expect(existsSync(file)).toBe(false);
    await expect(removeTree(join(dir, 'missing'))).resolves.toBeUndefined();
  });

  it('lets the event loop in while it removes a large tree', async () => {
    const tree = join(dir, 'large');
    for (let folder = 0; folder < 40; folder++) {
      mkdirSync(join(tree, `f${folder}`), { recursive: true });
      for (let file = 0; file < 100; file++) {
        writeFileSync(join(tree, `f${folder}`, `${file}.txt`), '');
      }
    }
    let turns = 0;
    const removal = { done: false };
    const ticking = (async () => {
      while (!removal.done) {
        await new Promise((resolve) => setImmediate(resolve));
        turns++;
      }
    })();
    await removeTree(tree);
    removal.done = true;
    await ticking;
    expect(existsSync(tree)).toBe(false);
    expect(turns).toBeGreaterThan(1);
  });
});
