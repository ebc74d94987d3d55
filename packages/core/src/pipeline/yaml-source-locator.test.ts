import { describe, expect, it } from 'vitest';
import { parsePipelineDocument } from './parse-pipeline-document.js';
import type { SourceLocator } from './parse-result.js';
import { FULL_PIPELINE } from './test-samples.js';

function locator(text: string): SourceLocator {
  const result = parsePipelineDocument('p.yml', text);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.value.source;
}

describe('yamlSourceLocator', () => {
  const source = locator(FULL_PIPELINE);

  it('places object members at their key', () => {
    expect(source.locate(['tasks'])).toEqual({ line: 39, column: 1 });
    expect(source.locate(['tasks', 'build', 'steps', 1, 'run'])).toEqual({ line: 52, column: 9 });
    expect(source.locate(['on', 'cron', 1, 'timezone'])).toEqual({ line: 13, column: 7 });
  });

  it('places list items at their value, in block and flow lists', () => {
    expect(source.locate(['tasks', 'build', 'steps', 0])).toEqual({ line: 50, column: 9 });
    expect(source.locate(['tasks', 'test', 'matrix', 'axes', 'node', 1])).toEqual({
      line: 64,
      column: 20,
    });
  });

  it('falls back to the nearest ancestor that exists', () => {
    expect(source.locate(['tasks', 'build', 'needs', 0])).toEqual({ line: 40, column: 3 });
    expect(source.locate(['tasks', 'build', 'steps', 9])).toEqual({ line: 49, column: 5 });
    expect(source.locate(['nothing', 'here'])).toEqual({ line: 2, column: 1 });
    expect(source.locate([])).toEqual({ line: 2, column: 1 });
  });

  it('follows aliases and merge keys to where the value is written', () => {
    const merged = locator(`tasks:
  build:
    env: &env {CI_LEVEL: 2}
    steps: [make]
  test:
    <<: {env: *env}
    steps: [make test]
`);
    expect(merged.locate(['tasks', 'test', 'env', 'CI_LEVEL'])).toEqual({ line: 3, column: 16 });
    expect(merged.locate(['tasks', 'test', 'steps', 0])).toEqual({ line: 7, column: 13 });
  });

  it('does not loop on an alias that contains itself', () => {
    const result = parsePipelineDocument('p.yml', 'tasks: &t\n  a: {steps: [x]}\n  b: *t\n');
    expect(result.ok ? [] : result.diagnostics.map((d) => `${String(d.line)}:${d.key}`)).toEqual([
      '2:tasks.b.a',
      '3:tasks.b.b',
    ]);
  });
});
