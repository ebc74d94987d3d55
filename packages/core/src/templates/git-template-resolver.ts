import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UserError, UserErrorKind } from '../errors/user-error.js';
import type { UsesSpec } from '../spec/pipeline-schema.js';
import type { FetchedTemplate, TemplateResolver } from './template-resolver.js';

const run = promisify(execFile);
const GIT_TIMEOUT_MS = 60_000;
type GitUses = Exclude<UsesSpec, string>;

/**
 * Fetches templates from Git repositories into a bare cache (one per repository URL),
 * resolves the ref to a commit and reads the file at that commit. Values are passed to
 * git as separate arguments, never through a shell, and may not start with `-`.
 */
export class GitTemplateResolver implements TemplateResolver {
  constructor(private readonly cacheDir = join(tmpdir(), 'slipway-template-cache')) {}

  async fetch(uses: UsesSpec): Promise<FetchedTemplate> {
    if (typeof uses === 'string')
      throw new Error('GitTemplateResolver handles only git references');
    for (const [key, value] of Object.entries(uses)) {
      if (value.startsWith('-')) {
        throw new UserError(
          UserErrorKind.Config,
          `template ${key} "${value}" must not start with "-"`,
        );
      }
    }
    const cache = join(
      this.cacheDir,
      createHash('sha256').update(uses.git).digest('hex').slice(0, 32),
    );
    await mkdir(cache, { recursive: true });
    await git(['init', '--quiet', '--bare', cache], uses);
    await git(
      [
        '-C',
        cache,
        'fetch',
        '--quiet',
        '--force',
        '--no-tags',
        '--',
        uses.git,
        '+refs/heads/*:refs/heads/*',
        '+refs/tags/*:refs/tags/*',
      ],
      uses,
    );
    const commit = await resolveCommit(cache, uses);
    let text: string;
    try {
      text = (
        await run('git', ['-C', cache, 'show', `${commit}:${uses.path}`], {
          timeout: GIT_TIMEOUT_MS,
          maxBuffer: 1024 * 1024,
        })
      ).stdout;
    } catch {
      throw new UserError(
        UserErrorKind.Config,
        `template file "${uses.path}" does not exist at ${uses.ref} (${commit.slice(0, 12)}) in ${uses.git}`,
      );
    }
    return {
      file: `${uses.path}@${uses.ref}`,
      text,
      provenance: { kind: 'git', repository: uses.git, ref: uses.ref, commit, path: uses.path },
    };
  }
}

async function resolveCommit(cache: string, uses: GitUses): Promise<string> {
  for (const candidate of [`refs/tags/${uses.ref}`, `refs/heads/${uses.ref}`, uses.ref]) {
    try {
      const { stdout } = await run(
        'git',
        ['-C', cache, 'rev-parse', '--verify', '--quiet', `${candidate}^{commit}`],
        { timeout: GIT_TIMEOUT_MS },
      );
      return stdout.trim();
    } catch {
      // Try the next way of reading the ref.
    }
  }
  throw new UserError(
    UserErrorKind.Config,
    `ref "${uses.ref}" was not found in ${uses.git}: use a branch, tag or commit that exists`,
  );
}

async function git(args: string[], uses: GitUses): Promise<void> {
  try {
    await run('git', args, { timeout: GIT_TIMEOUT_MS });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() ?? (error as Error).message;
    throw new UserError(
      UserErrorKind.Environment,
      `could not fetch template repository ${uses.git}: ${detail}`,
    );
  }
}
