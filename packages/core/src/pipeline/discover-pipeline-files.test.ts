import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { UserError, UserErrorKind } from '../errors/user-error.js';
import { discoverPipelineFiles } from './discover-pipeline-files.js';
import { MAX_DOCUMENT_BYTES } from './limits.js';
import { parsePipelineDocument } from './parse-pipeline-document.js';

describe('discoverPipelineFiles', () => {
  let root: string;
  let outside: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-discover-'));
    outside = await mkdtemp(join(tmpdir(), 'slipway-outside-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const write = async (file: string, text: string) => {
    await mkdir(join(root, file, '..'), { recursive: true });
    await writeFile(join(root, file), text);
  };

  it('finds nothing in a repository without pipeline files', async () => {
    await write('Makefile', 'test:\n\ttrue\n');
    expect(await discoverPipelineFiles(root)).toEqual([]);
  });

  it('says so when the repository folder is missing or is a file', async () => {
    await expect(discoverPipelineFiles(join(root, 'missing'))).rejects.toThrow(
      new UserError(
        UserErrorKind.Usage,
        `the repository folder ${join(root, 'missing')} does not exist; give the folder that holds the repository`,
      ),
    );
    await write('Makefile', 'test:\n\ttrue\n');
    await expect(discoverPipelineFiles(join(root, 'Makefile'))).rejects.toThrow(
      `${join(root, 'Makefile')} is a file, not a folder`,
    );
  });

  it('refuses a pipeline file that is a folder, and a .slipway that is a file', async () => {
    await mkdir(join(root, '.slipway.yml'));
    const folder: unknown = await discoverPipelineFiles(root).catch((e: unknown) => e);
    expect((folder as ConfigError).diagnostics).toEqual([
      {
        file: '.slipway.yml',
        line: 0,
        column: 0,
        key: '',
        message: 'this is a folder or a special file, not a file; a pipeline file holds YAML',
      },
    ]);
    await rm(join(root, '.slipway.yml'), { recursive: true });
    await write('.slipway', 'tasks: {}\n');
    const file: unknown = await discoverPipelineFiles(root).catch((e: unknown) => e);
    expect(file).toBeInstanceOf(ConfigError);
    expect((file as ConfigError).diagnostics[0]?.message).toBe(
      '.slipway is a file; put pipeline files in a folder named .slipway, or name a single one .slipway.yml',
    );
  });

  it('finds .slipway.yml', async () => {
    await write('.slipway.yml', 'tasks: {}\n');
    expect(await discoverPipelineFiles(root)).toEqual([
      { file: '.slipway.yml', text: 'tasks: {}\n' },
    ]);
  });

  it('finds .slipway.yaml', async () => {
    await write('.slipway.yaml', 'tasks: {}\n');
    expect((await discoverPipelineFiles(root)).map((f) => f.file)).toEqual(['.slipway.yaml']);
  });

  it('finds the root file and every YAML file of .slipway/, sorted, and nothing else', async () => {
    await write('.slipway.yml', 'a');
    await write('.slipway/release.yaml', 'b');
    await write('.slipway/build.yml', 'c');
    await write('.slipway/notes.md', 'd');
    await write('.slipway/nested/deep.yml', 'e');
    await mkdir(join(root, '.slipway', 'folder.yml'));
    expect(await discoverPipelineFiles(root)).toEqual([
      { file: '.slipway.yml', text: 'a' },
      { file: '.slipway/build.yml', text: 'c' },
      { file: '.slipway/release.yaml', text: 'b' },
    ]);
  });

  it('reads a file over the size limit only far enough to report it', async () => {
    await write('.slipway/huge.yml', `tasks: {}\n${'#'.repeat(3 * MAX_DOCUMENT_BYTES)}\n`);
    const [found] = await discoverPipelineFiles(root);
    expect(found?.text.length).toBe(MAX_DOCUMENT_BYTES + 1);
    const parsed = parsePipelineDocument(found?.file ?? '', found?.text ?? '');
    expect(parsed.ok ? '' : parsed.diagnostics[0]?.message).toContain('larger than 1 MiB');
  });

  it('follows links inside the repository and refuses links out of it', async () => {
    await write('ci/pipeline.yml', 'tasks: {}\n');
    await mkdir(join(root, '.slipway'));
    await symlink(join(root, 'ci', 'pipeline.yml'), join(root, '.slipway', 'ci.yml'));
    expect((await discoverPipelineFiles(root)).map((f) => f.file)).toEqual(['.slipway/ci.yml']);

    await writeFile(join(outside, 'secret.yml'), 'tasks: {}\n');
    await symlink(join(outside, 'secret.yml'), join(root, '.slipway.yml'));
    const error: unknown = await discoverPipelineFiles(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).diagnostics).toEqual([
      {
        file: '.slipway.yml',
        line: 0,
        column: 0,
        key: '',
        message:
          'this file links to a file outside the repository; pipeline files must be inside it',
      },
    ]);
  });
});
