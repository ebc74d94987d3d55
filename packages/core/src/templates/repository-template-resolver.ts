import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UserError, UserErrorKind } from '../errors/user-error.js';
import type { UsesSpec } from '../spec/pipeline-schema.js';
import type { FetchedTemplate, TemplateResolver } from './template-resolver.js';
import { GitTemplateResolver } from './git-template-resolver.js';

/** Largest template file read. */
export const TEMPLATE_MAX_BYTES = 1024 * 1024;

/**
 * Resolves `uses: ./path.yml` inside the repository root (never outside it, also not
 * through symbolic links) and hands `uses: { git, ref, path }` to a Git resolver.
 */
export class RepositoryTemplateResolver implements TemplateResolver {
  constructor(
    private readonly root: string,
    private readonly git: TemplateResolver = new GitTemplateResolver(),
  ) {}

  async fetch(uses: UsesSpec): Promise<FetchedTemplate> {
    if (typeof uses !== 'string') return this.git.fetch(uses);
    const path = await insideRoot(this.root, uses);
    const text = await readTemplate(path, uses);
    return {
      file: uses.replace(/^\.\//, ''),
      text,
      provenance: { kind: 'file', path: relative(this.root, path) },
    };
  }
}

/** The real path of `reference` under `root`; a UserError if it leaves the root. */
export async function insideRoot(root: string, reference: string): Promise<string> {
  if (isAbsolute(reference)) {
    throw new UserError(
      UserErrorKind.Config,
      `template path "${reference}" must be relative to the repository root`,
    );
  }
  const realRoot = await realpath(root);
  const target = resolve(realRoot, reference);
  const escapes = (p: string) => p !== realRoot && !p.startsWith(realRoot + sep);
  if (escapes(target)) {
    throw new UserError(UserErrorKind.Config, `template path "${reference}" leaves the repository`);
  }
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    throw new UserError(
      UserErrorKind.Config,
      `template "${reference}" does not exist in the repository`,
    );
  }
  if (escapes(real)) {
    throw new UserError(
      UserErrorKind.Config,
      `template path "${reference}" links outside the repository`,
    );
  }
  return real;
}

async function readTemplate(path: string, shown: string): Promise<string> {
  const bytes = await readFile(path);
  if (bytes.length > TEMPLATE_MAX_BYTES) {
    throw new UserError(UserErrorKind.Config, `template "${shown}" is larger than 1 MiB`);
  }
  return bytes.toString('utf8');
}
