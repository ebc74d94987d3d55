import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compilePipeline } from '../compiler/compile-pipeline.js';
import { parsePipelineDocument } from './parse-pipeline-document.js';
import { parseTemplateDocument } from './parse-template-document.js';
import { FULL_PIPELINE, FULL_TEMPLATE } from './test-samples.js';

/**
 * The whole contract of parsing and compiling, for any input: a plan, or well-formed
 * configuration errors; never an exception.
 */
function expectValueOrDiagnostics(text: string): void {
  const pipeline = parsePipelineDocument('p.yml', text);
  const compiled = pipeline.ok
    ? compilePipeline(pipeline.value, { requireParams: false })
    : { ok: true as const, plan: null };
  if (compiled.ok) expect(compiled.plan?.tasks.length ?? 0).toBeGreaterThanOrEqual(0);
  for (const result of [pipeline, parseTemplateDocument('t.yml', text), compiled]) {
    if (result.ok) continue;
    expect(result.diagnostics.length).toBeGreaterThan(0);
    for (const d of result.diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(0);
      expect(d.column).toBeGreaterThanOrEqual(0);
      expect(d.message.trim()).not.toBe('');
      expect(['p.yml', 't.yml']).toContain(d.file);
    }
  }
}

const yamlCharacters = fc.constantFrom(
  ...'[]{}:,-?&*!|>#%@`"\' \t\n\r\\abcxyz019.~<=$'.split(''),
  '---',
  '...',
  '<<',
  '${{',
  '}}',
  '\u00e9',
  '\u{1F600}',
  '\uFEFF',
);

const pipelineKeys = fc.constantFrom(
  'name',
  'on',
  'params',
  'env',
  'tasks',
  'finally',
  'steps',
  'run',
  'needs',
  'matrix',
  'axes',
  'uses',
  'with',
  'retries',
  'timeout',
  'type',
  'task',
  'inputs',
  '__proto__',
  'constructor',
);

const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(pipelineKeys, fc.string()), tie('value'), { maxKeys: 4 }),
  ),
})).value;

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const children: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : typeof value === 'object' && value !== null
      ? Object.entries(value)
      : [];
  return [prefix, ...children.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

const replacements = fc.constantFrom<unknown>(
  null,
  0,
  -1,
  3.5,
  true,
  'x',
  '',
  '10 min',
  [],
  ['a', 1],
  {},
  { run: 1 },
);

type Mutation =
  | { kind: 'delete' | 'rename' | 'replace'; at: number; replacement: unknown; suffix: string }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'garbage'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('delete' as const, 'rename' as const, 'replace' as const),
    at: fc.nat(),
    replacement: replacements,
    suffix: fc.constantFrom('s', '', '_', 'x'),
  }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('garbage' as const),
    at: fc.nat(),
    text: fc.string({ unit: yamlCharacters, minLength: 1, maxLength: 6 }),
  }),
);

function mutate(text: string, m: Mutation): string {
  switch (m.kind) {
    case 'duplicate-line': {
      const lines = text.split('\n');
      const index = m.at % lines.length;
      lines.splice(index, 0, lines[index] ?? '');
      return lines.join('\n');
    }
    case 'garbage': {
      const offset = m.at % (text.length + 1);
      return text.slice(0, offset) + m.text + text.slice(offset);
    }
    case 'delete':
    case 'rename':
    case 'replace': {
      const data: unknown = parse(text, { logLevel: 'error' });
      const paths = pathsOf(data).filter((p) => p.length > 0);
      const path = paths[m.at % paths.length];
      if (path === undefined) return text;
      const parent = path
        .slice(0, -1)
        .reduce<unknown>(
          (node, key) => (node as Record<string | number, unknown>)[key],
          data,
        ) as Record<string | number, unknown>;
      const key = path[path.length - 1] ?? 0;
      if (m.kind === 'replace') parent[key] = m.replacement;
      else if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else {
        const value = parent[key];
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- test mutation by design
        delete parent[key];
        if (m.kind === 'rename') parent[`${String(key)}${m.suffix}`] = value;
      }
      return stringify(data);
    }
  }
}

describe('parsing and compiling never throw', () => {
  it('for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), expectValueOrDiagnostics), {
      numRuns: 300,
    });
  });

  it('for strings made of YAML punctuation', () => {
    fc.assert(
      fc.property(fc.string({ unit: yamlCharacters, maxLength: 200 }), expectValueOrDiagnostics),
      { numRuns: 500 },
    );
  });

  it('for arbitrary values written as YAML', () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        expectValueOrDiagnostics(stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('for mutations of a valid pipeline and template', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(FULL_PIPELINE, FULL_TEMPLATE),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (text, mutations) => {
          let mutated: string = text;
          for (const m of mutations) {
            try {
              mutated = mutate(mutated, m);
            } catch {
              // A structural mutation needs text that still parses; keep the last good text.
            }
          }
          expectValueOrDiagnostics(mutated);
        },
      ),
      { numRuns: 500 },
    );
  });
});
