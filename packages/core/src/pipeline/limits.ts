/** Largest pipeline or template file accepted, in bytes (1 MiB). */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

/** Deepest nesting of mappings and lists accepted; real pipelines need fewer than ten. */
export const MAX_NESTING_DEPTH = 64;

/** Most YAML alias expansions (`*name`) a document may make, weighted by nested aliases. */
export const MAX_ALIAS_COUNT = 50;

/** Most diagnostics reported for one file; the rest are summarized in one more line. */
export const MAX_DIAGNOSTICS = 50;
