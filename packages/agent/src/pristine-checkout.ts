import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, type BigIntStats } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseIndex, STAT_BYTES, writeStatData } from './checkout-template.js';
import { TimeSlices } from './time-slices.js';

/**
 * How much later than a file's recorded change time a change may still carry the same
 * time: file systems stamp changes with a clock that advances once a kernel tick (1 to
 * 10 ms), so a change in the same tick as the recorded one is invisible in the times.
 */
const TIMESTAMP_TICK_NS = 20_000_000n;

/** A linked worktree as it was made: what {@link isPristine} compares it with. */
export interface CheckoutSnapshot {
  /** The folder with the commit's files. */
  readonly path: string;
  /** The worktree's administrative folder in the repository. */
  readonly admin: string;
  /** The full commit id checked out. */
  readonly commit: string;
  /** The bytes of the index git or the template wrote, with each file's stat data. */
  readonly index: Buffer;
  /** Length of an object id in bytes: 20 for SHA-1, 32 for SHA-256. */
  readonly hashLength: number;
}

/*
 * A checkout is pristine when it holds exactly what was checked out: the same files and
 * folders and no others, each file the same inode with the same size, mode and change
 * times as the index recorded when it was made, and the administrative files (HEAD, the
 * index itself, the links between worktree and repository) byte for byte as written.
 * This is the test `git status` makes, without a git process. Any write to a file changes
 * its change time (ctime), which no program can set back; only a change within the same
 * clock tick as the checkout keeps it, so a file changed less than a tick before the
 * checkout was lent out (`since`) is also hashed and compared with its object id in the
 * index, as git does with "racily clean" entries. A checkout with submodules, or whose
 * index this cannot read, is never pristine.
 */

/**
 * Whether the checkout of `snapshot` still holds exactly what it held when it was made,
 * when it was lent out at `since` (milliseconds since the epoch) and nothing changed it
 * before. Reads with synchronous calls in time slices (see {@link TimeSlices}); any error
 * means no.
 */
export async function isPristine(snapshot: CheckoutSnapshot, since: number): Promise<boolean> {
  try {
    return await compare(snapshot, BigInt(Math.floor(since)) * 1_000_000n - TIMESTAMP_TICK_NS);
  } catch {
    return false;
  }
}

async function compare(snapshot: CheckoutSnapshot, racyFrom: bigint): Promise<boolean> {
  const { path, admin, index, hashLength } = snapshot;
  const entries = parseIndex(index, hashLength);
  if (entries === null || !adminUnchanged(snapshot)) return false;
  if (readFileSync(join(path, '.git'), 'utf8') !== `gitdir: ${admin}\n`) return false;

  const folders = new Map<string, Set<string>>([['.', new Set(['.git'])]]);
  for (const entry of entries) {
    if ((entry.mode & 0o170000) === 0o160000) return false;
    for (let child = entry.path; child !== '.'; child = dirname(child)) {
      const parent = dirname(child);
      let names = folders.get(parent);
      if (names === undefined) folders.set(parent, (names = new Set()));
      const name = child.slice(parent === '.' ? 0 : parent.length + 1);
      if (names.has(name)) break;
      names.add(name);
    }
  }
  const slices = new TimeSlices();
  for (const [folder, names] of folders) {
    const found = readdirSync(join(path, folder));
    if (found.length !== names.size || !found.every((name) => names.has(name))) return false;
    await slices.pause();
  }
  for (const entry of entries) {
    const file = join(path, entry.path);
    const stats = lstatSync(file, { bigint: true });
    if (!statDataMatches(index, entry.offset, stats)) return false;
    if (isRacy(index, entry.offset, racyFrom)) {
      const content = stats.isSymbolicLink() ? Buffer.from(readlinkSync(file)) : readFileSync(file);
      const id = index.subarray(entry.offset + STAT_BYTES, entry.offset + STAT_BYTES + hashLength);
      if (!blobId(content, hashLength).equals(id)) return false;
    }
    await slices.pause();
  }
  return true;
}

function adminUnchanged({ path, admin, commit, index }: CheckoutSnapshot): boolean {
  const expected = new Map<string, string | Buffer>([
    ['HEAD', `${commit}\n`],
    ['commondir', '../..\n'],
    ['gitdir', `${join(path, '.git')}\n`],
    ['index', index],
  ]);
  const found = readdirSync(admin);
  if (found.length !== expected.size) return false;
  for (const [name, content] of expected) {
    const now = readFileSync(join(admin, name));
    if (!now.equals(typeof content === 'string' ? Buffer.from(content) : content)) return false;
  }
  return true;
}

/**
 * Whether a file's stat data and mode are what its index entry at `offset` recorded, as
 * git writes them (see `writeStatData`).
 */
function statDataMatches(index: Buffer, offset: number, stats: BigIntStats): boolean {
  const mode = stats.isSymbolicLink()
    ? 0o120000
    : stats.isFile()
      ? (stats.mode & 0o100n) !== 0n
        ? 0o100755
        : 0o100644
      : -1;
  if (index.readUInt32BE(offset + 24) !== mode) return false;
  const recorded = index.subarray(offset, offset + STAT_BYTES);
  const now = Buffer.from(recorded);
  writeStatData(now, 0, stats);
  return now.equals(recorded);
}

/** Whether the entry's recorded ctime or mtime is late enough that a change since could carry it. */
function isRacy(index: Buffer, offset: number, racyFrom: bigint): boolean {
  const time = (at: number): bigint =>
    BigInt(index.readUInt32BE(at)) * 1_000_000_000n + BigInt(index.readUInt32BE(at + 4));
  return time(offset) >= racyFrom || time(offset + 8) >= racyFrom;
}

/** The object id git gives a blob of `content`. */
function blobId(content: Buffer, hashLength: number): Buffer {
  return createHash(hashLength === 32 ? 'sha256' : 'sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest();
}
