import { readdir } from 'node:fs/promises';
import {
  GitTemplateResolver,
  loadPipelines,
  PIPELINE_PATHS,
  RepositoryTemplateResolver,
  type FetchedTemplate,
  type LoadedPipelines,
  type TemplateResolver,
  type UsesSpec,
} from '@slipway/core';
import type { RepositoryCache } from './repository-cache.js';

/** Commits whose pipelines are kept at most. */
const KEPT = 200;

/**
 * The pipelines of a source at a commit, loaded from a checkout of it (see
 * `loadPipelines`), with templates from other repositories cached under `templatesDir`.
 *
 * The checkout holds only the files pipelines are read from (`PIPELINE_PATHS`), so that
 * a new commit of a large repository costs no more than one of a small one. When these
 * hold a link, or a pipeline uses a template from its own repository, the file needed
 * may lie anywhere: the pipelines are then loaded again from a checkout of everything.
 *
 * What a commit holds never changes, so its loaded pipelines are kept and the next run
 * of the same commit needs no checkout; unless a pipeline uses a template from another
 * repository, whose ref may have moved since, or a pipeline did not load (its template
 * may have been out of reach). Kept pipelines are shared: compiling never changes them.
 */
export class CommitPipelines {
  private readonly kept = new Map<string, LoadedPipelines>();

  constructor(
    private readonly repositories: RepositoryCache,
    private readonly templatesDir: string,
  ) {}

  /**
   * The pipelines of `source` at `commit` (already fetched by the repository cache);
   * throws a `UserError` when the commit has neither a pipeline file nor a Makefile.
   */
  async load(source: string, commit: string): Promise<LoadedPipelines> {
    const key = `${source}\u0000${commit}`;
    const known = this.kept.get(key);
    if (known !== undefined) return known;
    const templates = new GitTemplateResolver(this.templatesDir);
    const loaded =
      (await this.repositories.withCheckout(
        source,
        commit,
        async (dir) => {
          if (await holdsLink(dir)) return undefined;
          try {
            return await loadPipelines(dir, new OtherRepositoriesOnly(templates));
          } catch (error) {
            if (error instanceof FileElsewhere) return undefined;
            throw error;
          }
        },
        PIPELINE_PATHS,
      )) ??
      (await this.repositories.withCheckout(source, commit, (dir) =>
        loadPipelines(dir, new RepositoryTemplateResolver(dir, templates)),
      ));
    if (loaded.diagnostics.length === 0 && onlyRepositoryTemplates(loaded)) {
      if (this.kept.size >= KEPT) this.kept.clear();
      this.kept.set(key, loaded);
    }
    return loaded;
  }
}

function onlyRepositoryTemplates(loaded: LoadedPipelines): boolean {
  return loaded.pipelines.every((source) =>
    [...source.templates.values()].every((template) => template.provenance.kind === 'file'),
  );
}

/** A template from the repository itself was asked for: it is not in a partial checkout. */
class FileElsewhere extends Error {}

/** Fetches templates from other repositories; one from the repository throws FileElsewhere. */
class OtherRepositoriesOnly implements TemplateResolver {
  constructor(private readonly others: TemplateResolver) {}

  fetch(uses: UsesSpec): Promise<FetchedTemplate> {
    if (typeof uses === 'string') return Promise.reject(new FileElsewhere(uses));
    return this.others.fetch(uses);
  }
}

/** Whether anything under `dir` is a symbolic link. */
async function holdsLink(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.some((entry) => entry.isSymbolicLink());
}
