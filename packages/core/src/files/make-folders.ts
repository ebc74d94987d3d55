import { mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Makes `folder` and every missing folder above it, as `mkdir -p` does, one level at a
 * time: Node's recursive `mkdir` never returns under a folder that refuses new entries
 * without saying it exists (`/proc`, say). Throws the first system error met, or an
 * Error saying which part of the path is not a folder.
 */
export function makeFolders(folder: string): void {
  const path = resolve(folder);
  const found = statIfThere(path);
  if (found?.isDirectory()) return;
  if (found) throw new Error(`${path} is not a folder`);
  const parent = dirname(path);
  if (parent !== path) makeFolders(parent);
  try {
    mkdirSync(path);
  } catch (error) {
    if (!statIfThere(path)?.isDirectory()) throw error;
  }
}

function statIfThere(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
