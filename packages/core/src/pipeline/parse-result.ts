import type { Diagnostic } from '../errors/diagnostic.js';
import type { PipelineSpec, TemplateSpec } from '../spec/pipeline-schema.js';

/** The outcome of reading user input: a value, or every problem found. Never an exception. */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

/** Where a key path sits in the file the value was read from. */
export interface SourceLocator {
  /**
   * 1-based line and column of the key (for an object member) or of the value (for a list
   * item) at `path`, such as `['tasks', 'build', 'steps', 0]`. A path that does not exist
   * in the file gives the position of its nearest existing ancestor.
   */
  locate(path: readonly (string | number)[]): { line: number; column: number };
}

/** A pipeline file, read and validated against the schema. */
export interface LoadedPipeline {
  /** Repository-relative path, as given to the parser. */
  readonly file: string;
  readonly spec: PipelineSpec;
  readonly source: SourceLocator;
}

/** A template file, read and validated against the schema. */
export interface LoadedTemplate {
  readonly file: string;
  readonly spec: TemplateSpec;
  readonly source: SourceLocator;
  /** SHA-256 of the file's text (UTF-8), in hex, recorded in plans for reproducibility. */
  readonly sha256: string;
}
