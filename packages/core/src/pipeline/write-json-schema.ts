import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  jsonSchemaText,
  pipelineJsonSchema,
  TEMPLATE_SCHEMA_FILE,
  templateJsonSchema,
} from './pipeline-json-schema.js';

/**
 * Writes the pipeline JSON Schema to the path given as the first argument and the
 * template schema beside it: `node write-json-schema.js schema/slipway-pipeline.schema.json`.
 */
async function main(target: string | undefined): Promise<void> {
  if (target === undefined) {
    process.stderr.write('usage: write-json-schema.js PATH/slipway-pipeline.schema.json\n');
    process.exitCode = 2;
    return;
  }
  await writeFile(target, jsonSchemaText(pipelineJsonSchema()));
  await writeFile(
    join(dirname(target), TEMPLATE_SCHEMA_FILE),
    jsonSchemaText(templateJsonSchema()),
  );
}

await main(process.argv[2]);
