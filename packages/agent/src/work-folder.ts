import { accessSync, constants, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError, UserErrorKind, makeFolders } from '@slipway/core';

/**
 * Makes a folder for an agent to work in, with every missing level above it (see
 * `makeFolders`), and checks this user may write there. Throws a {@link UserError}
 * naming the folder when it cannot be used.
 */
export function makeWorkFolder(workDir: string): void {
  usingFolder(workDir, (folder) => {
    makeFolders(folder);
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
    makeFolders(join(folder, 'attempts'));
    makeFolders(join(folder, 'git'));
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
