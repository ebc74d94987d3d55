import type { LoadedTemplate } from '../pipeline/index.js';
import type { TemplateProvenance } from '../plan/plan.js';
import type { UsesSpec } from '../spec/pipeline-schema.js';

/** A template file fetched for a `uses` reference, with where exactly it came from. */
export interface ResolvedTemplate {
  readonly template: LoadedTemplate;
  readonly provenance: TemplateProvenance;
}

/** Templates a pipeline uses, keyed by {@link templateKey} of the `uses` value. */
export type ResolvedTemplates = ReadonlyMap<string, ResolvedTemplate>;

/** A stable key for a `uses` value, the same for equal references. */
export function templateKey(uses: UsesSpec): string {
  return typeof uses === 'string' ? `file:${uses}` : `git:${uses.git}@${uses.ref}:${uses.path}`;
}

/** Human-readable form of a `uses` value for messages. */
export function describeUses(uses: UsesSpec): string {
  return typeof uses === 'string' ? uses : `${uses.path} at ${uses.ref} in ${uses.git}`;
}
