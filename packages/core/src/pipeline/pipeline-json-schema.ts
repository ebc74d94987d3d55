import { z } from 'zod';
import { PipelineSchema, TemplateSchema } from '../spec/pipeline-schema.js';

/** File name of the published pipeline schema, in the repository's `schema/` folder. */
export const PIPELINE_SCHEMA_FILE = 'slipway-pipeline.schema.json';
/** File name of the published template schema, beside the pipeline schema. */
export const TEMPLATE_SCHEMA_FILE = 'slipway-template.schema.json';

/**
 * JSON Schema of pipeline files (`.slipway.yml`, `.slipway/*.yml`) for editor completion
 * and validation. It describes what may be written, so keys with several accepted forms
 * (a string or a list) show all of them. Draft-07, which every YAML editor understands.
 */
export function pipelineJsonSchema(): object {
  return published(
    PipelineSchema,
    PIPELINE_SCHEMA_FILE,
    'Slipway pipeline',
    'A Slipway pipeline file (.slipway.yml or .slipway/NAME.yml): a graph of tasks made of shell steps.',
  );
}

/** JSON Schema of task template files, the targets of `uses`. */
export function templateJsonSchema(): object {
  return published(
    TemplateSchema,
    TEMPLATE_SCHEMA_FILE,
    'Slipway task template',
    'A Slipway task template: inputs and a task body, used by pipeline tasks through uses and with.',
  );
}

/** The text a schema is published as: JSON with 2-space indentation and a final newline. */
export function jsonSchemaText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function published(schema: z.ZodType, id: string, title: string, description: string): object {
  const { $schema, ...body } = z.toJSONSchema(schema, { io: 'input', target: 'draft-07' });
  return { $schema, $id: id, title, ...body, description };
}
