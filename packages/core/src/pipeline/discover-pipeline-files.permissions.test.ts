import type * as FsPromises from 'node:fs/promises';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError, UserErrorKind } from '../errors/user-error.js';
import { discoverPipelineFiles } from './discover-pipeline-files.js';

/** Paths this user may not read, whoever runs the tests (root reads everything). */
const locked = new Set<string>();

function denied(path: string): Error {
  return Object.assign(new Error(`EACCES: permission denied, open '${path}'`), {
    code: 'EACCES',
  });
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const guard =
    <A extends unknown[], R>(call: (path: string, ...rest: A) => Promise<R>) =>
    (path: string, ...rest: A): Promise<R> =>
      [...locked].some((p) => path === p || path.startsWith(`${p}/`))
        ? Promise.reject(denied(path))
        : call(path, ...rest);
  return {
    ...fs,
    access: guard(fs.access),
    readdir: guard(fs.readdir as (path: string) => Promise<string[]>),
    readFile: guard(fs.readFile as (path: string, encoding: 'utf8') => Promise<string>),
  };
});

describe('discoverPipelineFiles in what this user may not read', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-locked-'));
    await mkdir(join(root, '.slipway'));
    await writeFile(join(root, '.slipway.yml'), 'tasks: {}\n');
  });

  afterEach(async () => {
    locked.clear();
    await rm(root, { recursive: true, force: true });
  });

  it('names the pipeline file and says what to do', async () => {
    locked.add(join(root, '.slipway.yml'));
    await expect(discoverPipelineFiles(root)).rejects.toThrow(
      new UserError(
        UserErrorKind.Environment,
        'cannot read .slipway.yml: permission denied; give this user read access to it (chmod), or run slipway as a user who has it',
      ),
    );
  });

  it('names the repository folder, not a file in it, when the folder is closed', async () => {
    locked.add(root);
    await expect(discoverPipelineFiles(root)).rejects.toThrow(
      new UserError(
        UserErrorKind.Environment,
        `cannot read ${root}: permission denied; give this user read access to it (chmod), or run slipway as a user who has it`,
      ),
    );
  });
});
