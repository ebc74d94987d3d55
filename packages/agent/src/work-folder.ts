import { accessSync, constants, mkdirSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError, UserErrorKind } from '@slipway/core';

/**
 * Makes a folder for an agent to work in, with every missing level above it, and checks
 * this user may write there. Each level is made on its own: a recursive `mkdir` never
 * returns under a folder that refuses new entries without saying it exists (`/proc`,
 * say). Throws a {@link UserError} naming the folder when it cannot be used.
 */
export function makeWorkFolder(workDir: string): void {
  usingFolder(workDir, (folder) => {
    makeFolder(folder);
    accessSync(folder, constants.W_OK | constants.X_OK);
  });
}

/**
 * Makes the work folder and its `attempts` and `git` folders, emptying `attempts` of
 * what an earlier agent left; throws like {@link makeWorkFolder}.
 */
export function prepareWorkFolder(workDir: string): void {
  makeWorkFolder(workDir);
  usingFolder(workDir, (folder) => {
    rmSync(join(folder, 'attempts'), { recursive: true, force: true });
    makeFolder(join(folder, 'attempts'));
    makeFolder(join(folder, 'git'));
  });
}

function usingFolder(workDir: string, use: (folder: string) => void): void {
  const folder = resolve(workDir);
  try {
    use(folder);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(
      UserErrorKind.Environment,
      `the agent cannot use ${folder} as its work folder (${reason}): choose a folder this user can write to`,
    );
  }
}

function makeFolder(folder: string): void {
  const found = statIfThere(folder);
  if (found?.isDirectory()) return;
  if (found) throw new Error(`${folder} is not a folder`);
  const parent = dirname(folder);
  if (parent !== folder) makeFolder(parent);
  try {
    mkdirSync(folder);
  } catch (error) {
    if (!statIfThere(folder)?.isDirectory()) throw error;
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
