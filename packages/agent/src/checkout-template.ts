import { createHash } from 'node:crypto';
import { rmSync, type BigIntStats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileOps } from './file-ops.js';

/** Trees with more entries are checked out by git itself. */
const MAX_TEMPLATE_ENTRIES = 5000;

/** Size of an index entry's fixed fields before its object id (stat data and mode). */
export const STAT_BYTES = 40;
/** Bit of an index entry's flags saying that two more bytes of flags follow (version 3). */
const EXTENDED_FLAG = 0x4000;

/** One file of the index: where its entry starts, its path and its mode. */
interface IndexEntry {
  readonly offset: number;
  readonly path: string;
  readonly mode: number;
}

/**
 * A pristine checkout of one commit, made once by `git read-tree -u` (so that it went
 * through the repository's checkout filters and attributes), and the index git wrote for
 * it. Another checkout of the commit copies the template's files and writes the same
 * index with each entry's stat data (times, device, inode, owner, size) replaced by that
 * of the copy: to git the copy is then exactly what `read-tree -u` would have made, clean
 * to `git status` and `git diff-index` alike, and no git process was started. The index
 * file format is gitformat-index(5); only versions 2 and 3 with no extension but the
 * cached tree are copied (a split index, a sparse index or an untracked cache would name
 * files of the template's own), anything else is left to git.
 */
export class CheckoutTemplate {
  private constructor(
    private readonly root: string,
    private readonly index: Buffer,
    private readonly entries: readonly IndexEntry[],
    private readonly hashLength: number,
  ) {}

  /**
   * The template whose files are in `root` and whose index is the file `indexPath`, with
   * object ids of `hashLength` bytes; null when the index is not one this class copies.
   */
  static async read(
    root: string,
    indexPath: string,
    hashLength: number,
  ): Promise<CheckoutTemplate | null> {
    const index = await readFile(indexPath);
    const entries = parseIndex(index, hashLength);
    return entries === null ? null : new CheckoutTemplate(root, index, entries, hashLength);
  }

  /**
   * Copies the files into `into` (an empty folder) and writes their index to `indexPath`,
   * with the file operations `ops`.
   * Returns the index written; null when the template could not be read (its files were
   * deleted, say): what was copied is left for `git read-tree --reset -u` to overwrite,
   * and no index is left.
   */
  async copyTo(into: string, indexPath: string, ops: FileOps): Promise<Buffer | null> {
    try {
      return await this.copyFiles(into, indexPath, ops);
    } catch {
      rmSync(indexPath, { force: true });
      return null;
    }
  }

  private async copyFiles(into: string, indexPath: string, ops: FileOps): Promise<Buffer> {
    const index = Buffer.from(this.index.subarray(0, this.index.length - this.hashLength));
    const folders = new Set<string>();
    for (const entry of this.entries) {
      const folder = dirname(entry.path);
      if (folder !== '.') folders.add(folder);
    }
    await Promise.all(
      [...folders].map((folder) => ops.mkdir(join(into, folder), { recursive: true })),
    );
    await Promise.all(
      this.entries.map(async (entry) => {
        const from = join(this.root, entry.path);
        const to = join(into, entry.path);
        switch (entry.mode & 0o170000) {
          case 0o120000:
            await ops.symlink(await ops.readlink(from), to);
            break;
          case 0o160000:
            // A submodule: read-tree leaves an empty folder, and its entry has no stat data.
            await ops.mkdir(to, { recursive: true });
            return;
          default:
            await ops.copyFile(from, to);
        }
        writeStatData(index, entry.offset, await ops.lstat(to));
      }),
    );
    const checksum = createHash(this.hashLength === 32 ? 'sha256' : 'sha1')
      .update(index)
      .digest();
    const written = Buffer.concat([index, checksum]);
    await ops.writeFile(indexPath, written);
    return written;
  }
}

/**
 * The entries of a version 2 or 3 index whose only extension is the cached tree and
 * whose checksum holds; null for any other index.
 */
export function parseIndex(index: Buffer, hashLength: number): readonly IndexEntry[] | null {
  if (index.length < 12 + hashLength || index.toString('latin1', 0, 4) !== 'DIRC') return null;
  const version = index.readUInt32BE(4);
  const count = index.readUInt32BE(8);
  if ((version !== 2 && version !== 3) || count > MAX_TEMPLATE_ENTRIES) return null;
  const end = index.length - hashLength;
  const algorithm = hashLength === 32 ? 'sha256' : 'sha1';
  const checksum = createHash(algorithm).update(index.subarray(0, end)).digest();
  if (!checksum.equals(index.subarray(end))) return null;

  const entries: IndexEntry[] = [];
  let offset = 12;
  for (let i = 0; i < count; i++) {
    const flagsAt = offset + STAT_BYTES + hashLength;
    if (flagsAt + 2 > end) return null;
    const flags = index.readUInt16BE(flagsAt);
    if ((flags & 0x3000) !== 0) return null; // a merge stage: not a checkout
    const pathAt = flagsAt + 2 + (flags & EXTENDED_FLAG ? 2 : 0);
    const pathEnd = index.indexOf(0, pathAt);
    if (pathEnd < 0 || pathEnd >= end) return null;
    entries.push({
      offset,
      path: index.toString('utf8', pathAt, pathEnd),
      mode: index.readUInt32BE(offset + 24),
    });
    // Entries are padded with 1 to 8 NUL bytes to a multiple of 8 bytes.
    offset += (pathEnd - offset + 8) & ~7;
  }
  while (offset < end) {
    if (offset + 8 > end || index.toString('latin1', offset, offset + 4) !== 'TREE') return null;
    offset += 8 + index.readUInt32BE(offset + 4);
  }
  return offset === end ? entries : null;
}

/** Writes a file's stat data into the index entry at `offset`, as git stores it (32 bits). */
export function writeStatData(index: Buffer, offset: number, stats: BigIntStats): void {
  const low = (value: bigint): number => Number(value & 0xffffffffn);
  const seconds = (ns: bigint): number => low(ns / 1_000_000_000n);
  const nanoseconds = (ns: bigint): number => Number(ns % 1_000_000_000n);
  index.writeUInt32BE(seconds(stats.ctimeNs), offset);
  index.writeUInt32BE(nanoseconds(stats.ctimeNs), offset + 4);
  index.writeUInt32BE(seconds(stats.mtimeNs), offset + 8);
  index.writeUInt32BE(nanoseconds(stats.mtimeNs), offset + 12);
  index.writeUInt32BE(low(stats.dev), offset + 16);
  index.writeUInt32BE(low(stats.ino), offset + 20);
  index.writeUInt32BE(low(stats.uid), offset + 28);
  index.writeUInt32BE(low(stats.gid), offset + 32);
  index.writeUInt32BE(low(stats.size), offset + 36);
}
