export type { LoadedPipeline, LoadedTemplate, ParseResult, SourceLocator } from './parse-result.js';
export {
  MAX_ALIAS_COUNT,
  MAX_DIAGNOSTICS,
  MAX_DOCUMENT_BYTES,
  MAX_NESTING_DEPTH,
} from './limits.js';
export { parsePipelineDocument } from './parse-pipeline-document.js';
export { parseTemplateDocument } from './parse-template-document.js';
export {
  discoverPipelineFiles,
  PIPELINE_FILE_PATHS,
  type PipelineFile,
} from './discover-pipeline-files.js';
export {
  jsonSchemaText,
  PIPELINE_SCHEMA_FILE,
  pipelineJsonSchema,
  TEMPLATE_SCHEMA_FILE,
  templateJsonSchema,
} from './pipeline-json-schema.js';
