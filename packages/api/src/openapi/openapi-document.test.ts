import { describe, expect, it } from 'vitest';
import { routes } from '../routes.js';
import { LOG_BATCH_FRAME_TYPE } from '../schemas/log-batch-frame.js';
import { openApiDocument } from './openapi-document.js';

type Json = Record<string, unknown>;

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

describe('openApiDocument', () => {
  const document = openApiDocument({ serverUrl: 'http://127.0.0.1:7070' });
  const paths = document.paths as Record<string, Record<string, Json>>;
  const schemas = (document.components as { schemas: Record<string, Json> }).schemas;

  it('is an OpenAPI 3.1 document listing every operation of the route table', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: 'http://127.0.0.1:7070' }]);
    for (const route of Object.values(routes)) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      expect(paths[path]?.[route.method.toLowerCase()]?.operationId).toBe(route.operationId);
    }
  });

  it('refers only to schemas it defines', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas[ref.slice('#/components/schemas/'.length)]).toBeDefined();
    }
    expect(JSON.stringify(document)).not.toMatch(/"\$(schema|id)"/);
  });

  it('lists the log batch frame beside JSON as a form of the logs body', () => {
    const content = (paths['/api/agent/logs']?.post?.requestBody as { content: Json }).content;
    expect(Object.keys(content)).toEqual(['application/json', LOG_BATCH_FRAME_TYPE]);
  });

  it('describes request bodies, parameters, errors and security from the schemas', () => {
    const createRun = paths['/api/projects/{project}/runs']?.post;
    if (!createRun) throw new Error('no createRun operation');
    expect(createRun.requestBody).toMatchObject({
      required: false,
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/CreateRunRequest' } },
      },
    });
    expect(createRun.parameters).toEqual([
      expect.objectContaining({ name: 'project', in: 'path', required: true }),
    ]);
    expect(createRun.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(createRun.responses as Json)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404', '500']),
    );
    expect(schemas.CreateProjectRequest).toMatchObject({
      required: ['name', 'source'],
      additionalProperties: false,
    });
    expect(schemas.ErrorBody).toMatchObject({
      properties: { error: { required: ['code', 'message'] } },
    });

    const listRuns = paths['/api/runs']?.get as { parameters: Json[] };
    const limit = listRuns.parameters.find((p) => p.name === 'limit');
    expect(limit).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', maximum: 100 },
    });

    expect(paths['/healthz']?.get?.security).toEqual([]);
  });
});
