import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  jsonSchemaText,
  PIPELINE_SCHEMA_FILE,
  pipelineJsonSchema,
  TEMPLATE_SCHEMA_FILE,
  templateJsonSchema,
} from './pipeline-json-schema.js';

const schemaFolder = fileURLToPath(new URL('../../../../schema/', import.meta.url));

describe('published JSON Schema', () => {
  it.each([
    [PIPELINE_SCHEMA_FILE, pipelineJsonSchema],
    [TEMPLATE_SCHEMA_FILE, templateJsonSchema],
  ])('schema/%s matches the schema in the code', async (file, generate) => {
    const committed = await readFile(`${schemaFolder}${file}`, 'utf8');
    expect(committed, `schema/${file} is out of date: run \`npm run build\``).toBe(
      jsonSchemaText(generate()),
    );
  });

  it('identifies itself and forbids unknown keys', () => {
    const schema = pipelineJsonSchema() as Record<string, unknown>;
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: PIPELINE_SCHEMA_FILE,
      title: 'Slipway pipeline',
      type: 'object',
      required: ['tasks'],
      additionalProperties: false,
    });
    expect(typeof schema.description).toBe('string');
  });
});
