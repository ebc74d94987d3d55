import { lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TimeSlices } from './time-slices.js';

/**
 * Removes `path` and, when it is a folder, everything in it, as `rm -rf` would (a link is
 * removed, never followed; a path that does not exist is no error), with synchronous
 * calls in time slices (see {@link TimeSlices}).
 */
export async function removeTree(path: string): Promise<void> {
  const slices = new TimeSlices();
  const root = lstatSync(path, { throwIfNoEntry: false });
  if (root === undefined) return;
  if (!root.isDirectory()) {
    ignoreMissing(() => {
      unlinkSync(path);
    });
    return;
  }
  // Depth first: a folder is listed, its files removed and its folders pushed; once
  // everything pushed above it is gone, it is empty and is removed itself.
  const folders: { path: string; listed: boolean }[] = [{ path, listed: false }];
  for (let top = folders.at(-1); top !== undefined; top = folders.at(-1)) {
    if (top.listed) {
      ignoreMissing(() => {
        rmdirSync(top.path);
      });
      folders.pop();
    } else {
      top.listed = true;
      const entries = ignoreMissing(() => readdirSync(top.path, { withFileTypes: true })) ?? [];
      for (const entry of entries) {
        const child = join(top.path, entry.name);
        if (entry.isDirectory()) folders.push({ path: child, listed: false });
        else
          ignoreMissing(() => {
            unlinkSync(child);
          });
        await slices.pause();
      }
    }
    await slices.pause();
  }
}

function ignoreMissing<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
