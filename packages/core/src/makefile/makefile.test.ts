import { describe, expect, it } from 'vitest';
import { inferMakefilePipeline } from './infer-makefile-pipeline.js';
import { parseMakefileTargets } from './parse-makefile-targets.js';

const makefile = (...targets: string[]) =>
  [
    'SHELL := bash',
    'VERSION = 1:2',
    '.PHONY: all',
    ...targets.map((t) => `${t}:\n\t@echo ${t}`),
  ].join('\n');

describe('parseMakefileTargets', () => {
  it('finds explicit targets with their lines and ignores assignments and special targets', () => {
    const targets = parseMakefileTargets(
      'A := 1\n.PHONY: x\nbuild test: deps\n\t@true\n%.o: %.c\nlint::\n',
    );
    expect([...targets]).toEqual([
      ['build', 3],
      ['test', 3],
      ['lint', 6],
    ]);
  });
});

describe('inferMakefilePipeline', () => {
  it('orders init, checks in parallel, tests in parallel, then build', () => {
    const inferred = inferMakefilePipeline(
      'Makefile',
      makefile('build', 'test-unit', 'test-integration', 'style', 'security-sast', 'init'),
    );
    const tasks = inferred?.pipeline.spec.tasks ?? {};
    expect(Object.keys(tasks)).toEqual([
      'init',
      'style',
      'security-sast',
      'test-unit',
      'test-integration',
      'build',
    ]);
    expect(tasks.style?.needs).toEqual(['init']);
    expect(tasks['test-unit']?.needs).toEqual(['style', 'security-sast']);
    expect(tasks.build?.needs).toEqual(['test-unit', 'test-integration']);
    expect(tasks.build?.steps).toEqual([{ name: 'make build', run: 'make build' }]);
    expect(inferred?.inference.reasons.join('\n')).toContain(
      'not in the Makefile, so not run: format, complexity',
    );
  });

  it('uses umbrella targets only when no specific target of their stage exists', () => {
    const umbrella = inferMakefilePipeline('Makefile', makefile('test', 'security', 'build'));
    expect(Object.keys(umbrella?.pipeline.spec.tasks ?? {})).toEqual(['security', 'test', 'build']);
    const specific = inferMakefilePipeline(
      'Makefile',
      makefile('test', 'test-unit', 'security', 'security-sast'),
    );
    expect(Object.keys(specific?.pipeline.spec.tasks ?? {})).toEqual([
      'security-sast',
      'test-unit',
    ]);
  });

  it('skips missing stages when ordering', () => {
    const tasks = inferMakefilePipeline('Makefile', makefile('init', 'build'))?.pipeline.spec.tasks;
    expect(tasks?.build?.needs).toEqual(['init']);
  });

  it('returns null for a Makefile without standard targets', () => {
    expect(inferMakefilePipeline('Makefile', makefile('all', 'clean'))).toBeNull();
  });

  it('locates each task at its target line', () => {
    const inferred = inferMakefilePipeline('Makefile', 'x = 1\n\nbuild:\n\ttrue\n');
    expect(inferred?.pipeline.source.locate(['tasks', 'build', 'steps'])).toEqual({
      line: 3,
      column: 1,
    });
  });
});
