import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EXAMPLES,
  STACK_TRACE_LINE,
  diagnosticLines,
  editFile,
  runCli,
  useTempRepos,
} from './helpers.js';

const repos = useTempRepos();

const examples = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** `version` → … → `deploy` in examples/finally-results, broken in one way each. */
interface BrokenPipeline {
  readonly problem: string;
  readonly break: (file: string) => Promise<void>;
  /** The key the diagnostic must name, and words its message must contain. */
  readonly key: string;
  readonly message: RegExp;
}

const BASE = 'finally-results';

const broken: readonly BrokenPipeline[] = [
  {
    problem: 'a typo in a key (need: for needs:)',
    break: (file) => editFile(file, '    needs: version\n', '    need: version\n'),
    key: 'tasks.package',
    message: /need/,
  },
  {
    problem: 'a need of an unknown task',
    break: (file) => editFile(file, '    needs: integration\n', '    needs: integraton\n'),
    key: 'tasks.deploy.needs',
    message: /unknown task "integraton".*integration/,
  },
  {
    problem: 'tasks that need each other in a cycle',
    break: (file) =>
      editFile(file, '    results: [tag]\n', '    results: [tag]\n    needs: deploy\n'),
    key: 'tasks.',
    message: /cycle/,
  },
  {
    problem: 'an expression inside run',
    break: (file) =>
      editFile(file, 'echo "deploying"', 'echo "deploying ${{ tasks.version.results.tag }}"'),
    key: 'tasks.deploy.steps[0]',
    message: /environment variable/,
  },
  {
    problem: 'a YAML alias bomb',
    break: (file) => writeFile(file, aliasBomb()),
    key: '',
    message: /alias/i,
  },
];

/** Nine levels of ten aliases each: a billion strings if a parser expanded them all. */
function aliasBomb(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level < 9; level++) {
    const previous = `*a${level - 1}`;
    lines.push(`a${level}: &a${level} [${Array<string>(10).fill(previous).join(', ')}]`);
  }
  lines.push('tasks:', '  bomb:', '    steps: *a8', '');
  return lines.join('\n');
}

describe('slipway validate', () => {
  it.each(examples)('accepts examples/%s', async (example) => {
    const dir = await repos.copyExample(example);
    const result = await runCli(['validate', '-C', dir]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it.each(examples)('reports examples/%s as valid in --json', async (example) => {
    const dir = await repos.copyExample(example);
    const result = await runCli(['validate', '-C', dir, '--json']);
    const report = JSON.parse(result.stdout) as { ok: boolean; diagnostics: unknown[] };

    expect(report).toMatchObject({ ok: true, diagnostics: [] });
    expect(result.code).toBe(0);
  });

  it.each(broken)('rejects $problem with exit code 2 and file:line:column', async (broken) => {
    const dir = await repos.copyExample(BASE);
    await broken.break(join(dir, '.slipway.yml'));
    const result = await runCli(['validate', '-C', dir]);

    expect(result.code).toBe(2);
    const problems = diagnosticLines(result.stderr);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((line) => /^\.slipway\.yml:[1-9]\d*:[1-9]\d*: /.test(line))).toBe(true);
    expect(problems.join('\n')).toMatch(broken.message);
    expect(problems.some((line) => line.includes(`: ${broken.key}`))).toBe(true);
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });

  it.each(broken)('lists $problem as a diagnostic in --json', async (broken) => {
    const dir = await repos.copyExample(BASE);
    await broken.break(join(dir, '.slipway.yml'));
    const result = await runCli(['validate', '-C', dir, '--json']);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      diagnostics: { file: string; line: number; column: number; key: string; message: string }[];
    };

    expect(result.code).toBe(2);
    expect(report.ok).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({
      file: '.slipway.yml',
      line: expect.any(Number) as number,
      column: expect.any(Number) as number,
    });
    expect(report.diagnostics.map((d) => d.message).join('\n')).toMatch(broken.message);
  });

  it('refuses to run a broken pipeline: exit code 2, nothing ran', async () => {
    const dir = await repos.copyExample(BASE);
    await editFile(
      join(dir, '.slipway.yml'),
      '    needs: integration\n',
      '    needs: integraton\n',
    );
    const result = await runCli(['run', '-C', dir, '--json']);

    expect(result.code).toBe(2);
    expect(diagnosticLines(result.stderr)).toEqual([
      expect.stringMatching(
        /^\.slipway\.yml:27:5: tasks\.deploy\.needs\[0\]: unknown task "integraton"/,
      ),
    ]);
    expect(result.stderr).not.toMatch(/\[version\]/);
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });

  it('reports a repository with neither a pipeline nor a Makefile as exit code 2', async () => {
    const dir = await repos.withFiles({ 'README.md': '# nothing to build\n' });
    const result = await runCli(['validate', '-C', dir]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\.slipway\.yml/);
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });

  it('says that a -C folder does not exist, as exit code 2, for every command that reads it', async () => {
    const missing = join(await repos.withFiles({}), 'no-such-folder');
    for (const command of ['validate', 'plan', 'run']) {
      const result = await runCli([command, '-C', missing]);
      expect(result.code, command).toBe(2);
      expect(result.stderr, command).toContain(`the repository folder ${missing} does not exist`);
      expect(result.stderr, command).not.toMatch(/internal error/);
      expect(result.stderr, command).not.toMatch(STACK_TRACE_LINE);
    }
  });
});
