import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../errors/diagnostic.js';
import { MAX_DOCUMENT_BYTES } from './limits.js';
import { parsePipelineDocument } from './parse-pipeline-document.js';
import { parseTemplateDocument } from './parse-template-document.js';
import { BILLION_LAUGHS } from './test-samples.js';

const VALID = 'tasks:\n  a:\n    steps: [make]\n';

function problems(text: string): string[] {
  const result = parsePipelineDocument('p.yml', text);
  if (result.ok) throw new Error('expected diagnostics, but the document is valid');
  return result.diagnostics.map(formatDiagnostic);
}

/** `tasks.a.env.X` holding `depth - 4` nested flow lists: `depth` levels in all. */
function nestedTo(depth: number): string {
  const lists = depth - 4;
  return `tasks:\n  a:\n    env:\n      X: ${'['.repeat(lists)}${']'.repeat(lists)}\n`;
}

function elapsed(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

describe('reading YAML defensively', () => {
  it('refuses documents over 1 MiB and says the limit', () => {
    const padding = (length: number) => `#${'x'.repeat(length - 2)}\n`;
    const atLimit = VALID + padding(MAX_DOCUMENT_BYTES - VALID.length);
    expect(Buffer.byteLength(atLimit)).toBe(MAX_DOCUMENT_BYTES);
    expect(parsePipelineDocument('p.yml', atLimit).ok).toBe(true);
    expect(problems(`${atLimit} `)).toEqual([
      'p.yml:1:1: this file is larger than 1 MiB (1048576 bytes), the limit for a pipeline file; ' +
        'split it into several pipelines under .slipway/, or move long scripts into files of the ' +
        'repository',
    ]);
  });

  it('counts the limit in bytes, not characters', () => {
    const wide = `${VALID}# ${'é'.repeat(MAX_DOCUMENT_BYTES / 2)}\n`;
    expect(wide.length).toBeLessThan(MAX_DOCUMENT_BYTES);
    expect(problems(wide)[0]).toContain('larger than 1 MiB');
  });

  it('rejects the billion laughs alias bomb quickly', () => {
    let messages: string[] = [];
    const ms = elapsed(() => (messages = problems(BILLION_LAUGHS)));
    expect(messages).toEqual([
      'p.yml:2:8: YAML aliases (*name) expand too much: more than 50 expansions, counting aliases ' +
        'inside aliased values; write the values out instead',
    ]);
    expect(ms).toBeLessThan(1000);
  });

  it('still allows a few aliases and merge keys', () => {
    const result = parsePipelineDocument(
      'p.yml',
      `tasks:
  build:
    image: &image node:20
    env: &env {CI_LEVEL: 2}
    steps: [make]
  test:
    <<: {image: *image, env: *env}
    steps: [make test]
`,
    );
    expect(result.ok && result.value.spec.tasks.test).toEqual({
      image: 'node:20',
      env: { CI_LEVEL: 2 },
      steps: ['make test'],
    });
  });

  it('points at a bad key brought in by a merge where the anchor defines it', () => {
    expect(
      problems(`tasks:
  build:
    env: &defaults
      A: 1
    steps: [make]
  test:
    <<: &more {imag: node}
    steps: [make test]
`),
    ).toEqual(['p.yml:7:16: tasks.test.imag: unknown key "imag"; did you mean "image"?']);
  });

  it('allows 64 levels of nesting and refuses 65 at the first level too deep', () => {
    expect(parsePipelineDocument('p.yml', nestedTo(64)).ok).toBe(false);
    expect(problems(nestedTo(64)).join()).not.toContain('nested');
    expect(problems(nestedTo(65))).toEqual([
      'p.yml:4:70: mappings and lists are nested more than 64 levels deep here; flatten the structure',
    ]);
  });

  it('refuses deep block nesting', () => {
    const text = Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}k${String(i)}:`).join('\n');
    expect(problems(text)).toEqual([
      'p.yml:65:65: mappings and lists are nested more than 64 levels deep here; flatten the structure',
    ]);
  });

  it('refuses a megabyte of brackets without exhausting the stack', () => {
    let messages: string[] = [];
    const ms = elapsed(() => (messages = problems('['.repeat(MAX_DOCUMENT_BYTES))));
    expect(messages).toEqual([
      'p.yml:1:65: mappings and lists are nested more than 64 levels deep here; flatten the structure',
    ]);
    expect(ms).toBeLessThan(1000);
  });

  it('refuses a second YAML document, at the line that starts it', () => {
    expect(problems(`${VALID}---\ntasks: {}\n`)).toEqual([
      'p.yml:4:1: a second YAML document starts here; a pipeline file holds one pipeline: remove ' +
        'the "---" line, or move the second pipeline to its own file under .slipway/',
    ]);
    expect(parsePipelineDocument('p.yml', `---\n${VALID}...\n`).ok).toBe(true);
  });

  it('says so when the document is not a mapping', () => {
    expect(problems('')).toEqual([
      'p.yml:1:1: the file is empty; a pipeline needs at least a "tasks:" mapping',
    ]);
    expect(problems('# only a comment\n')).toEqual([
      'p.yml:1:1: the file is empty; a pipeline needs at least a "tasks:" mapping',
    ]);
    expect(problems('# header\n- build\n- test\n')).toEqual([
      'p.yml:2:1: the file holds a list, not a mapping of keys; a pipeline needs at least a ' +
        '"tasks:" mapping',
    ]);
    expect(problems('make test\n')).toEqual([
      'p.yml:1:1: the file holds a single value, not a mapping of keys; a pipeline needs at least ' +
        'a "tasks:" mapping',
    ]);
  });

  it('names a duplicate key and the line where it first appears', () => {
    expect(
      problems('tasks:\n  a:\n    steps: [x]\n  b:\n    steps: [y]\n  "a":\n    steps: [z]\n'),
    ).toEqual(['p.yml:6:3: duplicate key "a" (first set on line 2); keep one of them']);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problems('tasks:\n\ta:\n    steps: [x]\n')).toEqual([
      'p.yml:2:1: a tab is used for indentation; YAML indents with spaces only',
    ]);
    expect(problems('tasks:\n  a:\n    steps: ["make]\n')).toEqual([
      'p.yml:4:1: missing closing "quote',
      'p.yml:4:1: flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('refuses unknown tags, unknown aliases and __proto__ keys', () => {
    expect(problems('tasks:\n  a: !task {steps: [x]}\n')).toEqual([
      'p.yml:2:6: unresolved tag: !task; remove the tag, or quote the value',
    ]);
    expect(problems('tasks:\n  a: *build\n')).toEqual([
      'p.yml:2:6: the alias *build has no anchor; define &build before it is used',
    ]);
    expect(problems('tasks:\n  __proto__: {steps: [x]}\n')).toEqual([
      'p.yml:2:3: the key "__proto__" is not allowed; rename it',
    ]);
  });

  it('reads keys as strings, so numbers are names like any other', () => {
    const result = parsePipelineDocument(
      'p.yml',
      'tasks:\n  a:\n    matrix: {axes: {node: [18, 20]}, include: [{node: 22}]}\n    steps: [x]\n',
    );
    expect(result.ok && result.value.spec.tasks.a?.matrix?.include).toEqual([{ node: 22 }]);
    expect(problems('tasks: {a: {steps: [x]}}\nenv: {1: x}\n')).toEqual([
      'p.yml:2:7: env.1: environment variable names use only letters, digits and "_", and do not ' +
        'start with a digit',
    ]);
  });

  it('words messages for templates in terms of templates', () => {
    const result = parseTemplateDocument('ci/t.yml', '');
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([
      'ci/t.yml:1:1: the file is empty; a template needs at least a "task:" mapping with "steps:"',
    ]);
  });
});
