import type { TemplateProvenance } from '../plan/plan.js';
import type { UsesSpec } from '../spec/pipeline-schema.js';

/** A template file's text and exactly where it came from (its hash is added by the loader). */
export interface FetchedTemplate {
  /** Name shown in diagnostics, such as `ci/node.yml` or `templates/node.yml@v1`. */
  readonly file: string;
  readonly text: string;
  readonly provenance: DistributiveOmit<TemplateProvenance, 'sha256'>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Fetches the template a `uses` value points to. Implementations reject references that
 * escape their root and throw a {@link UserError} that says what to fix when the
 * template cannot be found.
 */
export interface TemplateResolver {
  fetch(uses: UsesSpec): Promise<FetchedTemplate>;
}
