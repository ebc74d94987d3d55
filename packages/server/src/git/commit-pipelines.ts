import {
  GitTemplateResolver,
  loadPipelines,
  RepositoryTemplateResolver,
  type LoadedPipelines,
} from '@slipway/core';
import type { RepositoryCache } from './repository-cache.js';

/** Commits whose pipelines are kept at most. */
const KEPT = 200;

/**
 * The pipelines of a source at a commit, loaded from a checkout of it (see
 * `loadPipelines`), with templates from other repositories cached under `templatesDir`.
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
    const loaded = await this.repositories.withCheckout(source, commit, (dir) =>
      loadPipelines(
        dir,
        new RepositoryTemplateResolver(dir, new GitTemplateResolver(this.templatesDir)),
      ),
    );
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
