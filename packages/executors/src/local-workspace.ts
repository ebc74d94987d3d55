import { constants, mkdirSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, realpath, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  MAX_REPORT_SIZE,
  makeFolders,
  UserError,
  UserErrorKind,
  type TaskWorkspace,
} from '@slipway/core';

/** Results are small values; anything bigger belongs in an artifact. */
export const MAX_RESULT_BYTES = 4096;

/** Where a {@link LocalWorkspace} keeps things. */
export interface LocalWorkspaceOptions {
  /** The repository checkout, where steps run. */
  readonly root: string;
  /** A per-run temporary folder for results. */
  readonly scratch: string;
  /** Where artifacts are copied, one folder per task. */
  readonly artifactsDir: string;
}

/**
 * The task workspace of a run on this machine: every step starts in the repository
 * checkout, each attempt of a task that declares results gets an empty results folder
 * under `scratch` (other tasks share one that is never read), and artifacts are
 * copied to `artifactsDir/<task id>/<path>`. Report and artifact patterns are relative to
 * the checkout and cannot reach out of it: `..`, absolute paths and symbolic links that
 * resolve outside it are refused. Results must be regular files, not links.
 */
export class LocalWorkspace implements TaskWorkspace {
  private readonly root: string;
  private readonly scratch: string;
  private readonly artifactsDir: string;
  private realRoot: Promise<string> | undefined;
  private resultsRoot = false;
  private unreadResults = false;

  constructor(options: LocalWorkspaceOptions) {
    this.root = resolve(options.root);
    this.scratch = resolve(options.scratch);
    this.artifactsDir = resolve(options.artifactsDir);
  }

  async prepareAttempt(
    taskId: string,
    attempt: number,
    resultNames: readonly string[],
  ): Promise<{ workingDirectory: string; resultsDirectory: string }> {
    if (resultNames.length === 0) {
      // Creating a folder can cost a millisecond of kernel time on some file systems,
      // more than the rest of a trivial task's bookkeeping: tasks that declare no results
      // share one folder, made once (synchronously, see below), whose files nobody reads.
      const unread = join(this.scratch, 'unread-results');
      if (!this.unreadResults) {
        mkdirSync(unread, { recursive: true });
        this.unreadResults = true;
      }
      return { workingDirectory: this.root, resultsDirectory: unread };
    }
    if (!this.resultsRoot) {
      mkdirSync(join(this.scratch, 'results'), { recursive: true });
      this.resultsRoot = true;
    }
    const resultsDirectory = join(this.scratch, 'results', `${folderName(taskId)}.${attempt}`);
    // Synchronous on purpose: creating an empty folder takes microseconds on most file
    // systems, while a trip through the thread pool costs more than that.
    try {
      mkdirSync(resultsDirectory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await rm(resultsDirectory, { recursive: true, force: true });
      await mkdir(resultsDirectory);
    }
    return { workingDirectory: this.root, resultsDirectory };
  }

  async readResults(
    resultsDirectory: string,
    names: readonly string[],
  ): Promise<Record<string, string>> {
    const values = await Promise.all(names.map((name) => readResult(resultsDirectory, name)));
    const results: Record<string, string> = {};
    names.forEach((name, i) => {
      results[name] = values[i] ?? '';
    });
    return results;
  }

  async readReportFiles(globs: readonly string[]): Promise<{ file: string; text: string }[]> {
    const files = await this.match(globs, 'report');
    return await Promise.all(
      files.map(async ({ file, real }) => {
        const { size } = await stat(real);
        if (size > MAX_REPORT_SIZE) {
          const mib = Math.round(size / 1024 / 1024);
          throw new UserError(
            UserErrorKind.Config,
            `${file}: the report is ${mib} MiB; reports over ${MAX_REPORT_SIZE / 1024 / 1024} MiB are not read`,
          );
        }
        return { file, text: await readFile(real, 'utf8') };
      }),
    );
  }

  async collectArtifacts(
    taskId: string,
    globs: readonly string[],
  ): Promise<{ path: string; size: number }[]> {
    const files = await this.match(globs, 'artifact');
    const into = join(this.artifactsDir, folderName(taskId));
    return await Promise.all(
      files.map(async ({ file, real }) => {
        const target = join(into, ...file.split('/'));
        try {
          makeFolders(dirname(target));
          await copyFile(real, target);
          const { size } = await stat(target);
          return { path: file, size };
        } catch (error) {
          throw new UserError(
            UserErrorKind.Environment,
            `cannot keep the artifact ${file} in ${into} (${error instanceof Error ? error.message : String(error)}): make that folder writable, or free space on its disk`,
          );
        }
      }),
    );
  }

  /**
   * Files matching `globs`, sorted, as paths relative to the root (with `/`) and their
   * real paths. Throws a UserError for a pattern or a match that leaves the root.
   */
  private async match(
    globs: readonly string[],
    what: 'report' | 'artifact',
  ): Promise<{ file: string; real: string }[]> {
    for (const pattern of globs) checkPattern(pattern, what);
    if (globs.length === 0) return [];
    // Loaded here: most tasks keep no reports or artifacts, and loading it costs
    // milliseconds at every start.
    const { glob } = await import('tinyglobby');
    const matches = await glob([...globs], { cwd: this.root, onlyFiles: true });
    matches.sort();
    this.realRoot ??= realpath(this.root);
    const realRoot = await this.realRoot;
    return await Promise.all(
      matches.map(async (file) => {
        const path = resolve(this.root, file);
        const real = await realpath(path);
        if (!isInside(realRoot, real) || !isInside(this.root, path)) {
          throw new UserError(
            UserErrorKind.Config,
            `${what} ${file} is a link to ${real}, outside the workspace ${this.root}; ` +
              `only files inside the workspace can be ${what === 'report' ? 'read' : 'kept'}`,
          );
        }
        return { file: relative(this.root, path).split(sep).join('/'), real };
      }),
    );
  }
}

async function readResult(directory: string, name: string): Promise<string> {
  if (!name || name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
    throw new UserError(UserErrorKind.Config, `result name "${name}" cannot be a file name`);
  }
  const file = join(directory, name);
  let handle;
  try {
    // O_NOFOLLOW: a step (or a container) must not make Slipway read a file elsewhere on
    // this machine by leaving a link; O_NONBLOCK: a named pipe must not hang the run.
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError(
        UserErrorKind.NotFound,
        `result ${name} was not written: write it to "$SLIPWAY_RESULTS/${name}" (${file})`,
      );
    }
    if (code === 'ELOOP') {
      throw new UserError(
        UserErrorKind.Config,
        `result ${name} is a link (${file}); write the value into the file`,
      );
    }
    throw error;
  }
  try {
    if (!(await handle.stat()).isFile()) {
      throw new UserError(UserErrorKind.Config, `result ${name} is not a regular file (${file})`);
    }
    const buffer = Buffer.alloc(MAX_RESULT_BYTES + 3);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let end = bytesRead;
    if (buffer[end - 1] === 0x0a) end--;
    if (end < bytesRead && buffer[end - 1] === 0x0d) end--;
    if (end > MAX_RESULT_BYTES) {
      throw new UserError(
        UserErrorKind.Config,
        `result ${name} is over 4 KiB (${file}); results are small values, keep larger data as an artifact`,
      );
    }
    return buffer.toString('utf8', 0, end);
  } finally {
    await handle.close();
  }
}

function checkPattern(pattern: string, what: 'report' | 'artifact'): void {
  if (isAbsolute(pattern) || /^[A-Za-z]:[\\/]/.test(pattern) || pattern.startsWith('\\')) {
    throw new UserError(
      UserErrorKind.Config,
      `${what} pattern "${pattern}" is an absolute path; use a path relative to the repository`,
    );
  }
  if (pattern.split(/[\\/]/).includes('..')) {
    throw new UserError(
      UserErrorKind.Config,
      `${what} pattern "${pattern}" uses ".."; ${what}s must be inside the repository`,
    );
  }
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** A folder name for a task id (`test[os=linux]`) that cannot clash with another id's. */
function folderName(taskId: string): string {
  return encodeURIComponent(taskId);
}
