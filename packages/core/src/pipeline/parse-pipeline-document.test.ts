import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../errors/diagnostic.js';
import { parsePipelineDocument } from './parse-pipeline-document.js';
import { FULL_PIPELINE, FULL_PIPELINE_SPEC } from './test-samples.js';

/** Every diagnostic as `file:line:column: key: message`. */
function problems(text: string): string[] {
  const result = parsePipelineDocument('.slipway.yml', text);
  if (result.ok) throw new Error('expected diagnostics, but the document is valid');
  return result.diagnostics.map(formatDiagnostic);
}

describe('parsePipelineDocument', () => {
  it('reads a document using every key into the expected spec', () => {
    const result = parsePipelineDocument('.slipway/ci.yml', FULL_PIPELINE);
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    expect(result.value.file).toBe('.slipway/ci.yml');
    expect(result.value.spec).toEqual(FULL_PIPELINE_SPEC);
  });

  it('turns single values of list keys into lists', () => {
    const result = parsePipelineDocument(
      '.slipway.yml',
      'tasks:\n  a:\n    needs: b\n    runs-on: linux\n    steps: [x]\n  b:\n    steps: [y]\n',
    );
    expect(result.ok && result.value.spec.tasks.a).toEqual({
      needs: ['b'],
      'runs-on': ['linux'],
      steps: ['x'],
    });
  });

  describe('unknown keys', () => {
    it('suggest the nearest known key', () => {
      expect(
        problems(`tasks:
  build:
    need: lint
    step:
      - make
    runs_on: linux
    timout: 5m
  lint:
    steps: [make lint]
tsks: {}
`),
      ).toEqual([
        '.slipway.yml:3:5: tasks.build.need: unknown key "need"; did you mean "needs"?',
        '.slipway.yml:4:5: tasks.build.step: unknown key "step"; did you mean "steps"?',
        '.slipway.yml:6:5: tasks.build.runs_on: unknown key "runs_on"; did you mean "runs-on"?',
        '.slipway.yml:7:5: tasks.build.timout: unknown key "timout"; did you mean "timeout"?',
        '.slipway.yml:10:1: tsks: unknown key "tsks"; did you mean "tasks"?',
      ]);
    });

    it('list the allowed keys when nothing is near', () => {
      expect(problems('tasks:\n  build:\n    depends_on: [lint]\n    steps: [make]\n')).toEqual([
        '.slipway.yml:3:5: tasks.build.depends_on: unknown key "depends_on"; the keys allowed here are ' +
          'image, runs-on, env, timeout, retries, results, reports, artifacts, steps, needs, when, ' +
          'matrix, uses, with, approval',
      ]);
    });

    it('do not also report the required key they are a typo of', () => {
      expect(problems('tasks:\n  build:\n    steps:\n      - rn: make\n')).toEqual([
        '.slipway.yml:4:9: tasks.build.steps[0].rn: unknown key "rn"; did you mean "run"?',
      ]);
    });

    it('are found in every nested mapping', () => {
      expect(
        problems(`on:
  push:
    branch: main
  cron:
    - schedul: 0 3 * * *
tasks:
  a:
    retries: {count: 2, backof: 5s}
    steps: [x]
`),
      ).toEqual([
        '.slipway.yml:3:5: on.push.branch: unknown key "branch"; did you mean "branches"?',
        '.slipway.yml:5:7: on.cron[0].schedul: unknown key "schedul"; did you mean "schedule"?',
        '.slipway.yml:8:25: tasks.a.retries.backof: unknown key "backof"; did you mean "backoff"?',
      ]);
    });
  });

  describe('missing keys', () => {
    it('say which key to add, at the mapping that lacks it', () => {
      expect(problems('name: ci\n')).toEqual([
        '.slipway.yml:1:1: tasks: add the required key "tasks" (a mapping)',
      ]);
      expect(problems('tasks:\n  a:\n    uses: {git: https://example.com/t.git}\n')).toEqual([
        '.slipway.yml:3:5: tasks.a.uses.ref: add the required key "ref" (a string)',
        '.slipway.yml:3:5: tasks.a.uses.path: add the required key "path" (a string)',
      ]);
    });

    it('name the allowed values of a missing discriminator', () => {
      expect(problems('params:\n  version: {default: "1"}\ntasks: {}\n')).toEqual([
        '.slipway.yml:2:3: params.version.type: add the required key "type" ' +
          '(one of "string", "number", "boolean" or "enum")',
      ]);
    });
  });

  describe('wrong values', () => {
    it('describe union alternatives in one message', () => {
      expect(problems('tasks:\n  a:\n    needs: 3\n    steps: [x]\n')).toEqual([
        '.slipway.yml:3:5: tasks.a.needs: expected a string or a list of strings, got a number (3)',
      ]);
      expect(problems('concurrency: [a]\ntasks: {}\n')).toEqual([
        '.slipway.yml:1:1: concurrency: expected a group name or a mapping with group, limit and ' +
          'cancel-in-progress, got a list',
      ]);
    });

    it('follow the alternative the value was meant for', () => {
      expect(
        problems('tasks:\n  a:\n    steps:\n      - run: make\n        env: {A: [1]}\n'),
      ).toEqual([
        '.slipway.yml:5:15: tasks.a.steps[0].env.A: expected a string, a number, true or false, got a list',
      ]);
    });

    it('list the allowed values of an enum and suggest the nearest', () => {
      expect(
        problems(`on:
  pull_request:
    types: [opened, synchronise]
params:
  v: {type: strin}
tasks:
  a:
    steps:
      - run: make
        shell: zsh
`),
      ).toEqual([
        '.slipway.yml:3:21: on.pull_request.types[1]: must be one of "opened", "synchronize", ' +
          '"reopened", "closed", "labeled", "unlabeled" or "edited" (got "synchronise"); ' +
          'did you mean "synchronize"?',
        '.slipway.yml:5:7: params.v.type: must be one of "string", "number", "boolean" or "enum" ' +
          '(got "strin"); did you mean "string"?',
        '.slipway.yml:10:9: tasks.a.steps[0].shell: must be bash, sh, python3 or node, or an argv ' +
          'list such as [zsh, -c] (got "zsh"); did you mean "sh"?',
      ]);
    });

    it('say what type was expected and what was found', () => {
      expect(
        problems(`tasks:
  a:
    steps:
      - run: 5
      - run: make
        continue-on-error: yes
  b:
  c: [make]
params:
  n: {type: number, default: "3"}
`),
      ).toEqual([
        '.slipway.yml:4:9: tasks.a.steps[0].run: expected a string, got a number (5)',
        '.slipway.yml:6:9: tasks.a.steps[1].continue-on-error: expected true or false, got a string ("yes")',
        '.slipway.yml:7:3: tasks.b: expected a mapping, got an empty value',
        '.slipway.yml:8:3: tasks.c: expected a mapping, got a list',
        '.slipway.yml:10:21: params.n.default: expected a number, got a string ("3")',
      ]);
    });

    it('explain formats, limits and reserved names', () => {
      expect(
        problems(`env:
  SLIPWAY_TOKEN: x
  my-var: y
tasks:
  1st:
    steps: [x]
  a:
    timeout: 10 min
    retries: 11
    steps: []
`),
      ).toEqual([
        '.slipway.yml:2:3: env.SLIPWAY_TOKEN: the SLIPWAY_ prefix is reserved for variables Slipway ' +
          'sets; choose another name',
        '.slipway.yml:3:3: env.my-var: environment variable names use only letters, digits and "_", ' +
          'and do not start with a digit',
        '.slipway.yml:5:3: tasks.1st: task names start with a letter and use only letters, digits, ' +
          '"-" and "_"',
        '.slipway.yml:8:5: tasks.a.timeout: durations look like 90s, 10m, 1h30m or 500ms (got "10 min")',
        '.slipway.yml:9:5: tasks.a.retries: must be at most 10 (got 11)',
        '.slipway.yml:10:5: tasks.a.steps: must list at least one item',
      ]);
    });

    it('keep reports and artifacts inside the repository', () => {
      expect(
        problems(`tasks:
  a:
    steps: [make test]
    reports: [/etc/passwd, 'C:\\reports\\*.xml', build/*.xml]
    artifacts: [../outside/*, dist/../../up, dist/**]
`),
      ).toEqual([
        '.slipway.yml:4:15: tasks.a.reports[0]: use a path relative to the repository, not an ' +
          'absolute one (got "/etc/passwd")',
        '.slipway.yml:4:28: tasks.a.reports[1]: use a path relative to the repository, not an ' +
          'absolute one (got "C:\\\\reports\\\\*.xml")',
        '.slipway.yml:5:17: tasks.a.artifacts[0]: remove the ".." parts: reports and artifacts are ' +
          'files inside the repository (got "../outside/*")',
        '.slipway.yml:5:31: tasks.a.artifacts[1]: remove the ".." parts: reports and artifacts are ' +
          'files inside the repository (got "dist/../../up")',
      ]);
    });
  });

  it('reports in the order of the file, with the key as a dotted path', () => {
    const result = parsePipelineDocument(
      'ci.yml',
      'tasks:\n  z:\n    stepz: [x]\n  a:\n    imag: x\n    steps: [x]\n',
    );
    expect(result.ok ? [] : result.diagnostics).toEqual([
      {
        file: 'ci.yml',
        line: 3,
        column: 5,
        key: 'tasks.z.stepz',
        message: 'unknown key "stepz"; did you mean "steps"?',
      },
      {
        file: 'ci.yml',
        line: 5,
        column: 5,
        key: 'tasks.a.imag',
        message: 'unknown key "imag"; did you mean "image"?',
      },
    ]);
  });
});
