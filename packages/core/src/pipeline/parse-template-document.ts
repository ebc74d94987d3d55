import { createHash } from 'node:crypto';
import { TemplateSchema } from '../spec/pipeline-schema.js';
import { capDiagnostics } from './cap-diagnostics.js';
import type { LoadedTemplate, ParseResult } from './parse-result.js';
import { DocumentKind, readYamlDocument } from './read-yaml-document.js';
import { validateWithSchema } from './validate-with-schema.js';

/**
 * Reads a task template file's text into a validated {@link LoadedTemplate}, with the
 * SHA-256 of the text that plans record. Never throws for bad input.
 */
export function parseTemplateDocument(file: string, text: string): ParseResult<LoadedTemplate> {
  const read = readYamlDocument(file, text, DocumentKind.Template);
  if (!read.ok) return { ok: false, diagnostics: capDiagnostics(read.diagnostics) };
  const { data, source } = read.value;
  const valid = validateWithSchema(TemplateSchema, data, file, source);
  if (!valid.ok) return { ok: false, diagnostics: capDiagnostics(valid.diagnostics) };
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  return { ok: true, value: { file, spec: valid.value, source, sha256 } };
}
