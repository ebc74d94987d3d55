import { constants } from 'node:fs';
import { access, open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { UserError, UserErrorKind } from '../errors/user-error.js';
import { MAX_DOCUMENT_BYTES } from './limits.js';

/** A pipeline file found in a repository: its repository-relative path and its text. */
export interface PipelineFile {
  /** Path relative to the repository root, with `/` separators: `.slipway/build.yml`. */
  readonly file: string;
  /**
   * The file's text. A file over the size limit is read only up to one byte past the limit,
   * enough for the parser to report it as too large.
   */
  readonly text: string;
}

const ROOT_FILES = ['.slipway.yml', '.slipway.yaml'] as const;
const FOLDER = '.slipway';

/** The paths at a repository's root that {@link discoverPipelineFiles} reads. */
export const PIPELINE_FILE_PATHS: readonly string[] = [...ROOT_FILES, FOLDER];
const YAML_FILE = /\.ya?ml$/;

/**
 * The pipeline files of the repository at `root`: `.slipway.yml` (or `.slipway.yaml`),
 * then every `.slipway/*.yml` and `.slipway/*.yaml`, sorted by name; each file holds one
 * pipeline. An empty list means the repository has none (the Makefile convention may apply).
 * Throws a {@link ConfigError} for a file that links outside the repository and a
 * {@link UserError} when `root` is not a folder or a file exists but cannot be read.
 */
export async function discoverPipelineFiles(root: string): Promise<PipelineFile[]> {
  const rootReal = await repositoryFolder(root);
  const names = [...ROOT_FILES, ...(await folderEntries(root)).map((name) => `${FOLDER}/${name}`)];
  const found: PipelineFile[] = [];
  for (const name of names) {
    const text = await readPipelineFile(root, rootReal, name);
    if (text !== undefined) found.push({ file: name, text });
  }
  return found;
}

/** The real path of the folder `root`, or a {@link UserError} that says what it is instead. */
async function repositoryFolder(root: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(root);
  } catch (error) {
    if (isMissing(error)) {
      throw new UserError(
        UserErrorKind.Usage,
        `the repository folder ${root} does not exist; give the folder that holds the repository`,
      );
    }
    throw unreadable(root, error);
  }
  if (!(await stat(real)).isDirectory()) {
    throw new UserError(
      UserErrorKind.Usage,
      `${root} is a file, not a folder; give the folder that holds the repository`,
    );
  }
  try {
    // Checked here so that a closed repository folder is named, not the first file in it.
    await access(real, constants.R_OK | constants.X_OK);
  } catch (error) {
    throw unreadable(root, error);
  }
  return real;
}

async function folderEntries(root: string): Promise<string[]> {
  try {
    const entries = await readdir(join(root, FOLDER));
    return entries.filter((name) => YAML_FILE.test(name)).sort();
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'ENOTDIR') {
      throw notAFile(
        FOLDER,
        `${FOLDER} is a file; put pipeline files in a folder named ${FOLDER}, or name a single one .slipway.yml`,
      );
    }
    if (isMissing(error)) return [];
    throw unreadable(FOLDER, error);
  }
}

function notAFile(file: string, message: string): ConfigError {
  return new ConfigError([{ file, line: 0, column: 0, key: '', message }]);
}

async function readPipelineFile(
  root: string,
  rootReal: string,
  file: string,
): Promise<string | undefined> {
  const path = join(root, ...file.split('/'));
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      // Folders among the entries of .slipway/ are passed over; a root file must be a file.
      if (!(ROOT_FILES as readonly string[]).includes(file)) return undefined;
      throw notAFile(
        file,
        'this is a folder or a special file, not a file; a pipeline file holds YAML',
      );
    }
    const target = await realpath(path);
    const inside = relative(rootReal, target);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      throw new ConfigError([
        {
          file,
          line: 0,
          column: 0,
          key: '',
          message:
            'this file links to a file outside the repository; pipeline files must be inside it',
        },
      ]);
    }
    if (info.size <= MAX_DOCUMENT_BYTES) return await readFile(path, 'utf8');
    return await readHead(path, MAX_DOCUMENT_BYTES + 1);
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (isMissing(error)) return undefined;
    throw unreadable(file, error);
  }
}

async function readHead(path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function unreadable(file: string, error: unknown): UserError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new UserError(
      UserErrorKind.Environment,
      `cannot read ${file}: permission denied; give this user read access to it (chmod), or run slipway as a user who has it`,
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new UserError(UserErrorKind.Environment, `cannot read ${file}: ${reason}`);
}
