import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIndex } from './checkout-template.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('parseIndex', () => {
  let temp = '';
  let index = Buffer.alloc(0);

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'slipway-index-'));
    git(temp, 'init', '-q');
    await mkdir(join(temp, 'src', 'deep'), { recursive: true });
    await writeFile(join(temp, 'README.md'), '# r\n');
    await writeFile(join(temp, 'src', 'deep', `${'long-name-'.repeat(20)}.ts`), 'x\n');
    await writeFile(join(temp, 'src', 'a.ts'), 'a\n');
    git(temp, 'add', '.');
    git(temp, 'write-tree');
    index = await readFile(join(temp, '.git', 'index'));
  });

  afterAll(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  it("reads the paths and modes of git's own index", () => {
    const entries = parseIndex(index, 20);
    expect(entries?.map((entry) => entry.path)).toEqual([
      'README.md',
      'src/a.ts',
      `src/deep/${'long-name-'.repeat(20)}.ts`,
    ]);
    expect(entries?.every((entry) => entry.mode === 0o100644)).toBe(true);
  });

  it('refuses a truncated index, a wrong checksum and formats it does not copy', async () => {
    expect(parseIndex(index.subarray(0, index.length - 1), 20)).toBeNull();
    const flipped = Buffer.from(index);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    expect(parseIndex(flipped, 20)).toBeNull();
    expect(parseIndex(index, 32)).toBeNull();
    git(temp, 'update-index', '--index-version', '4');
    const version4 = await readFile(join(temp, '.git', 'index'));
    expect(parseIndex(version4, 20)).toBeNull();
  });

  it('never throws, whatever the bytes under a checksum that holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        (changes, cut) => {
          const content = Buffer.from(index.subarray(0, index.length - 20 - (cut % 64)));
          for (const [at, value] of changes) content[at % content.length] = value;
          const checksum = createHash('sha1').update(content).digest();
          const entries = parseIndex(Buffer.concat([content, checksum]), 20);
          expect(entries === null || Array.isArray(entries)).toBe(true);
        },
      ),
    );
  });
});
