import { describe, expect, it } from 'vitest';
import { parsePipelineDocument, parseTemplateDocument } from '../pipeline/index.js';
import type { Plan } from '../plan/plan.js';
import type { ResolvedTemplate } from '../templates/resolved-template.js';
import { compilePipeline, type CompileOptions } from './compile-pipeline.js';

function load(yaml: string) {
  const parsed = parsePipelineDocument('.slipway.yml', yaml);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  return parsed.value;
}

function compile(yaml: string, options: CompileOptions = {}): Plan {
  const result = compilePipeline(load(yaml), options);
  if (!result.ok)
    throw new Error(result.diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n'));
  return result.plan;
}

function problems(yaml: string, options: CompileOptions = {}): string[] {
  const result = compilePipeline(load(yaml), options);
  if (result.ok) throw new Error('expected configuration errors');
  return result.diagnostics.map((d) => `${d.line}:${d.column} ${d.key}: ${d.message}`);
}

describe('compilePipeline', () => {
  it('names a pipeline after its file, and refuses a file name that is no pipeline name', () => {
    const yaml = 'tasks:\n  a:\n    steps: ["true"]\n';
    const named = (file: string) => {
      const parsed = parsePipelineDocument(file, yaml);
      if (!parsed.ok) throw new Error('expected a valid document');
      return compilePipeline(parsed.value);
    };
    const good = named('.slipway/deploy-prod.yml');
    expect(good.ok && good.plan.pipeline).toBe('deploy-prod');
    for (const file of ['.slipway/bad name.yml', '.slipway/1st.yaml']) {
      const bad = named(file);
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.diagnostics[0]?.message).toMatch(/rename the file or set `name`/);
    }
  });

  it('fills defaults and orders tasks after their needs', () => {
    const plan = compile(`
tasks:
  test:
    needs: build
    steps: [npm test]
  build:
    steps:
      - npm run build
`);
    expect(plan.pipeline).toBe('default');
    expect(plan.tasks.map((t) => t.id)).toEqual(['build', 'test']);
    const test = plan.tasks[1];
    expect(test?.needs).toEqual(['build']);
    expect(test?.steps[0]).toEqual({
      name: 'npm test',
      run: 'npm test',
      shell: ['bash', '-eo', 'pipefail', '-c'],
      env: {},
      timeoutMs: null,
      continueOnError: false,
    });
    expect(test?.retries).toEqual({ count: 0, backoffMs: 0, maxBackoffMs: 0 });
    expect(plan.timeoutMs).toBe(6 * 3_600_000);
    expect(Object.isFrozen(plan.tasks[0]?.steps)).toBe(true);
  });

  it('expands a matrix with include and exclude into stable ids', () => {
    const plan = compile(`
tasks:
  test:
    matrix:
      axes: { os: [linux, mac], node: [18, 20] }
      exclude: [{ os: mac, node: 18 }]
      include: [{ os: linux, node: 20, experimental: true }, { os: windows, node: 20 }]
      max-parallel: 2
    steps: [npm test]
  report:
    needs: [test]
    steps: [echo done]
`);
    const ids = plan.tasks.map((t) => t.id);
    expect(ids).toEqual([
      'test[node=18,os=linux]',
      'test[experimental=true,node=20,os=linux]',
      'test[node=20,os=mac]',
      'test[node=20,os=windows]',
      'report',
    ]);
    expect(plan.tasks[4]?.needs).toEqual(ids.slice(0, 4));
    expect(plan.tasks[1]?.env).toMatchObject({
      MATRIX_OS: 'linux',
      MATRIX_NODE: '20',
      MATRIX_EXPERIMENTAL: 'true',
    });
    expect(plan.tasks[0]?.matrixGroup).toEqual({ name: 'test', maxParallel: 2, failFast: true });
  });

  it('evaluates image and labels before the run, and keeps env expressions for run time', () => {
    const plan = compile(
      `
params:
  node: { type: string, default: '20' }
env:
  GLOBAL: one
tasks:
  build:
    results: [version]
    steps: [echo 1 > $SLIPWAY_RESULTS/version]
  test:
    needs: build
    image: node:\${{ params.node }}-\${{ matrix.flavor }}
    runs-on: \${{ trigger.branch }}
    matrix: { axes: { flavor: [slim] } }
    env:
      VERSION: \${{ tasks.build.results.version }}
      GLOBAL: two
    steps: [echo $VERSION]
`,
      { trigger: { event: 'push', branch: 'main' } },
    );
    const test = plan.tasks[1];
    expect(test?.image).toBe('node:20-slim');
    expect(test?.runsOn).toEqual(['main']);
    expect(test?.env).toMatchObject({
      VERSION: '${{ tasks.build.results.version }}',
      GLOBAL: 'two',
    });
  });

  it('names the path of a cycle in needs', () => {
    expect(
      problems(`
tasks:
  a: { needs: c, steps: [x] }
  b: { needs: a, steps: [x] }
  c: { needs: b, steps: [x] }
`),
    ).toEqual(['3:8 tasks.a.needs: tasks need each other in a cycle: a → c → b → a']);
  });

  it('suggests the task meant by an unknown need', () => {
    expect(
      problems(`
tasks:
  build: { steps: [x] }
  test: { needs: [biuld], steps: [x] }
`)[0],
    ).toContain('unknown task "biuld" (did you mean "build"?)');
  });

  it('rejects expressions inside run and shows the env form', () => {
    const [message] = problems(`
tasks:
  deploy:
    steps:
      - run: deploy --version \${{ params.version }}
params:
  version: { type: string, default: '1' }
`);
    expect(message).toContain('tasks.deploy.steps[0].run');
    expect(message).toContain('env: { VERSION: "${{ params.version }}" }');
    expect(message).toContain('"$VERSION"');
  });

  it('checks params: required, typed, enum and unknown', () => {
    const yaml = `
params:
  version: { type: string }
  count: { type: number, default: 2 }
  dry: { type: boolean, default: false }
  target: { type: enum, values: [dev, prod], default: dev }
tasks:
  t: { steps: [x] }
`;
    expect(compile(yaml, { params: { version: '1.2', count: '5', dry: 'true' } }).params).toEqual({
      version: '1.2',
      count: 5,
      dry: true,
      target: 'dev',
    });
    expect(problems(yaml, { params: { count: 'many', target: 'qa', verison: '1' } })).toEqual([
      expect.stringContaining('unknown parameter "verison" (did you mean "version"?)'),
      expect.stringContaining('parameter "version" is required: pass --param version=VALUE'),
      expect.stringContaining('expected a number, got "many"'),
      expect.stringContaining('must be one of dev, prod; got "qa"'),
    ]);
    expect(compilePipeline(load(yaml), { requireParams: false }).ok).toBe(true);
  });

  it('checks what expressions read', () => {
    const messages = problems(`
params:
  version: { type: string, default: '1' }
tasks:
  build:
    results: [version]
    steps: [x]
  lint:
    steps: [x]
  test:
    needs: build
    when: success() && params.verison == '1'
    env:
      A: \${{ tasks.build.results.digest }}
      B: \${{ tasks.lint.status }}
      C: \${{ matrix.os }}
      D: \${{ always() }}
    steps: [x]
`);
    expect(messages.join('\n')).toContain('unknown parameter "verison" (did you mean "version"?)');
    expect(messages.join('\n')).toContain('task "build" declares no result "digest"');
    expect(messages.join('\n')).toContain('does not need it');
    expect(messages.join('\n')).toContain('matrix values exist only in a task with a `matrix`');
    expect(messages.join('\n')).toContain('always() can only be used in `when`');
  });

  it('lets a task read the tasks it needs directly or through others, and no other', () => {
    const pipeline = (reads: string) => `
tasks:
  fetch: { results: [ref], steps: [x] }
  build: { needs: fetch, results: [image], steps: [x] }
  lint: { results: [score], steps: [x] }
  deploy:
    needs: build
    env:
      R: \${{ tasks.${reads}.status }}
    steps: [x]
`;
    expect(compile(pipeline('build')).tasks).toHaveLength(4);
    expect(compile(pipeline('fetch')).tasks).toHaveLength(4);
    expect(problems(pipeline('lint')).join('\n')).toContain(
      'this task reads task "lint" but does not need it',
    );
  });

  it('runs finally tasks after the others by default and refuses needs on main tasks', () => {
    const plan = compile(`
tasks:
  build: { steps: [x] }
finally:
  notify: { steps: [x] }
`);
    expect(plan.tasks.map((t) => [t.id, t.kind, t.when])).toEqual([
      ['build', 'main', null],
      ['notify', 'finally', 'always()'],
    ]);
    expect(
      problems(`
tasks:
  build: { steps: [x] }
finally:
  notify: { needs: build, steps: [x] }
`)[0],
    ).toContain('finally tasks run after every task has settled');
  });

  it('validates cron schedules and time zones', () => {
    const messages = problems(`
on:
  cron:
    - '0 3 * * *'
    - { schedule: '0 3 * * *', timezone: Mars/Olympus }
    - 'every day'
tasks:
  t: { steps: [x] }
`);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('unknown time zone "Mars/Olympus"');
    expect(messages[1]).toContain('invalid cron expression "every day"');
  });

  it('inlines a template with its inputs and records where it came from', () => {
    const parsed = parseTemplateDocument(
      'ci/node.yml',
      `
inputs:
  node-version: { type: string, default: '18' }
  registry: { required: true }
task:
  image: node:\${{ inputs.node-version }}
  env:
    NODE_OPTIONS: --max-old-space-size=\${{ inputs.node-version }}
  steps: [npm ci, npm test]
`,
    );
    if (!parsed.ok) throw new Error('template did not parse');
    const template: ResolvedTemplate = {
      template: parsed.value,
      provenance: { kind: 'file', path: 'ci/node.yml', sha256: parsed.value.sha256 },
    };
    const templates = new Map([['file:./ci/node.yml', template]]);
    const yaml = (withs: string) => `
tasks:
  test:
    uses: ./ci/node.yml
    with: { ${withs} }
    env: { EXTRA: x }
`;
    const plan = compile(yaml(`node-version: '20', registry: r.example`), { templates });
    const test = plan.tasks[0];
    expect(test?.image).toBe('node:20');
    expect(test?.steps.map((s) => s.run)).toEqual(['npm ci', 'npm test']);
    expect(test?.env).toEqual({
      INPUT_NODE_VERSION: '20',
      INPUT_REGISTRY: 'r.example',
      NODE_OPTIONS: '--max-old-space-size=20',
      EXTRA: 'x',
    });
    expect(test?.template).toEqual(template.provenance);
    expect(problems(yaml(`nodeversion: '20'`), { templates }).join('\n')).toMatch(
      /no input "nodeversion" \(did you mean "node-version"\?\)[^]*needs input "registry"/,
    );
  });

  it('compiles a 1,000-task pipeline with a matrix to stable ids', () => {
    const tasks = Array.from(
      { length: 900 },
      (_, i) => `  t${i}: { needs: [${i ? `t${i - 1}` : ''}], steps: ['true'] }`,
    );
    const plan = compile(
      `tasks:\n${tasks.join('\n')}\n  m:\n    matrix: { axes: { a: [${Array.from({ length: 100 }, (_, i) => i).join(',')}] } }\n    steps: ['true']\n`,
    );
    expect(plan.tasks).toHaveLength(1000);
    expect(plan.tasks[899]?.needs).toEqual(['t898']);
  });
});
