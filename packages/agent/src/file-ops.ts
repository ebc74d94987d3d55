import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
  type BigIntStats,
} from 'node:fs';
import { copyFile, lstat, mkdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { TimeSlices } from './time-slices.js';

/** Larger files are copied through the thread pool, so that one copy cannot hold the event loop. */
const MAX_SYNC_COPY_BYTES = 1024 * 1024;

/** The file operations a checkout is made of, done one way or the other (see below). */
export interface FileOps {
  mkdir(path: string, options?: { recursive: boolean }): Promise<void>;
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  lstat(path: string): Promise<BigIntStats>;
  readlink(path: string): Promise<string>;
  symlink(target: string, path: string): Promise<void>;
}

/*
 * A checkout is a dozen small file operations. One checkout at a time is made fastest
 * with synchronous calls (microseconds each, where a trip through the thread pool costs
 * tens and more processor time), in time slices so that a large one does not hold up
 * heartbeats and log batches. Many at once (a wide matrix starting) are made faster
 * through the thread pool, whose threads wait for the file system side by side.
 */

/** Synchronous calls, letting the event loop in every couple of milliseconds. */
export function syncFileOps(): FileOps {
  const slices = new TimeSlices();
  const after = async <T>(work: () => T): Promise<T> => {
    const value = work();
    await slices.pause();
    return value;
  };
  return {
    mkdir: (path, options) =>
      after(() => {
        mkdirSync(path, options);
      }),
    writeFile: (path, data) =>
      after(() => {
        writeFileSync(path, data);
      }),
    copyFile: async (from, to) => {
      if (lstatSync(from).size > MAX_SYNC_COPY_BYTES) await copyFile(from, to);
      else
        await after(() => {
          copyFileSync(from, to);
        });
    },
    lstat: (path) => after(() => lstatSync(path, { bigint: true })),
    readlink: (path) => after(() => readlinkSync(path)),
    symlink: (target, path) =>
      after(() => {
        symlinkSync(target, path);
      }),
  };
}

/** Calls through libuv's thread pool. */
export const threadPoolFileOps: FileOps = {
  mkdir: async (path, options) => {
    await mkdir(path, options);
  },
  writeFile: (path, data) => writeFile(path, data),
  copyFile: (from, to) => copyFile(from, to),
  lstat: (path) => lstat(path, { bigint: true }),
  readlink: (path) => readlink(path),
  symlink: (target, path) => symlink(target, path),
};
