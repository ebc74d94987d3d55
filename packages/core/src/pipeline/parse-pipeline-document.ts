import { PipelineSchema } from '../spec/pipeline-schema.js';
import { capDiagnostics } from './cap-diagnostics.js';
import type { LoadedPipeline, ParseResult } from './parse-result.js';
import { DocumentKind, readYamlDocument } from './read-yaml-document.js';
import { validateWithSchema } from './validate-with-schema.js';

/**
 * Reads a pipeline file's text into a validated {@link LoadedPipeline}. Never throws for
 * bad input: every problem (YAML syntax, size and nesting limits, schema violations) comes
 * back as a diagnostic at the offending key. `file` is the repository-relative path used
 * in diagnostics.
 */
export function parsePipelineDocument(file: string, text: string): ParseResult<LoadedPipeline> {
  const read = readYamlDocument(file, text, DocumentKind.Pipeline);
  if (!read.ok) return { ok: false, diagnostics: capDiagnostics(read.diagnostics) };
  const { data, source } = read.value;
  const valid = validateWithSchema(PipelineSchema, data, file, source);
  if (!valid.ok) return { ok: false, diagnostics: capDiagnostics(valid.diagnostics) };
  return { ok: true, value: { file, spec: valid.value, source } };
}
