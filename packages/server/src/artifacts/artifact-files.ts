import { createHash, randomUUID } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { artifactPathProblem } from '@slipway/api';

/** Where one artifact file lives: its run, its attempt and its path. */
export interface ArtifactLocation {
  readonly runId: string;
  readonly attemptId: string;
  readonly path: string;
}

/** Why a file could not be stored; the route answers with the matching error. */
export class ArtifactWriteError extends Error {
  override readonly name = 'ArtifactWriteError';
  constructor(
    readonly reason: 'short' | 'long' | 'clash',
    message: string,
  ) {
    super(message);
  }
}

/** Folder under the root for files being received. */
const INCOMING = '.incoming';

/**
 * The artifact files of the control plane, under `root/<run id>/<attempt id>/<path>`.
 * Files are received into `root/.incoming` while their bytes are counted and hashed, and
 * moved into place once complete, so a reader never sees half a file. Paths are checked
 * with the API's artifact path rules and must stay inside the root.
 */
export class ArtifactFiles {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file of an artifact; throws (a bug in the caller) for a path that is not allowed. */
  fileOf(location: ArtifactLocation): string {
    const problem = artifactPathProblem(location.path);
    if (problem !== null) throw new Error(`artifact path ${location.path} ${problem}`);
    const file = resolve(
      this.runFolder(location.runId),
      folderName(location.attemptId),
      ...location.path.split('/'),
    );
    if (!isInside(this.root, file))
      throw new Error(`artifact path ${location.path} leaves the root`);
    return file;
  }

  /**
   * Stores `body`, which must be exactly `size` bytes, as the artifact's file, replacing
   * one there. Never holds more than a chunk in memory. Rejects with an
   * {@link ArtifactWriteError} when the body is shorter or longer than `size`, or the path
   * clashes with another artifact of the attempt (a file where a folder is needed, or the
   * other way round); nothing is left behind then.
   */
  async write(
    location: ArtifactLocation,
    body: Readable,
    size: number,
  ): Promise<{ size: number; sha256: string }> {
    const target = this.fileOf(location);
    const incoming = join(this.root, INCOMING);
    await mkdir(incoming, { recursive: true });
    const partial = join(incoming, randomUUID());
    const hash = createHash('sha256');
    let bytes = 0;
    // The file is created before any byte arrives so that a failed body always finds it to remove.
    const sink = (await open(partial, 'wx')).createWriteStream();
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            bytes += chunk.length;
            if (bytes > size) {
              throw new ArtifactWriteError('long', `the body is longer than its ${size} bytes`);
            }
            hash.update(chunk);
            yield chunk;
          }
        },
        sink,
      );
      if (bytes !== size) {
        throw new ArtifactWriteError('short', `the body ended after ${bytes} of ${size} bytes`);
      }
      try {
        await mkdir(dirname(target), { recursive: true });
        await rename(partial, target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST') {
          throw new ArtifactWriteError(
            'clash',
            `${location.path} clashes with another artifact of the attempt: one needs a folder where the other is a file`,
          );
        }
        throw error;
      }
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { size: bytes, sha256: hash.digest('hex') };
  }

  /** Opens an artifact's file for reading; null when it is not there. */
  async open(location: ArtifactLocation): Promise<{ stream: ReadStream; size: number } | null> {
    let handle;
    try {
      handle = await open(this.fileOf(location), 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
      throw error;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return null;
      }
      return { stream: handle.createReadStream(), size: info.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Removes an artifact's file, if it is there. */
  async remove(location: ArtifactLocation): Promise<void> {
    await rm(this.fileOf(location), { force: true });
  }

  /** Removes every artifact file of a run. */
  async removeRun(runId: string): Promise<void> {
    await rm(this.runFolder(runId), { recursive: true, force: true });
  }

  /** Removes files left half-received (by a server that stopped) before `olderThan`. */
  async removeAbandoned(olderThan: number): Promise<number> {
    const incoming = join(this.root, INCOMING);
    let names: string[];
    try {
      names = await readdir(incoming);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let removed = 0;
    for (const name of names) {
      const file = join(incoming, name);
      const info = await stat(file).catch(() => null);
      if (info && info.mtimeMs < olderThan) {
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  private runFolder(runId: string): string {
    const folder = resolve(this.root, folderName(runId));
    if (relative(this.root, folder) !== folderName(runId)) {
      throw new Error(`run id ${runId} cannot name a folder`);
    }
    return folder;
  }
}

/** A folder name for an id made by the store; `.` and `..` cannot come out of it. */
function folderName(id: string): string {
  const name = encodeURIComponent(id);
  return name === '.' || name === '..' || name === INCOMING ? `%${name}` : name;
}

function isInside(root: string, path: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}
