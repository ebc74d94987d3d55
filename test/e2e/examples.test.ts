import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseSummary,
  runCli,
  statusesOf,
  taskOf,
  useTempRepos,
  type CliResult,
  type RunSummary,
} from './helpers.js';

const repos = useTempRepos();

interface ExampleScenario {
  readonly example: string;
  /** Make the copy a git repository on `main`. */
  readonly git?: boolean;
  readonly exitCode: number;
  readonly runStatus: RunSummary['run']['status'];
  /** Every task of the run, by id, with the status it must end in. */
  readonly tasks: Readonly<Record<string, string>>;
  /** Further checks of the outcome, with the repository the run worked in. */
  readonly check?: (summary: RunSummary, dir: string, result: CliResult) => Promise<void> | void;
}

const scenarios: readonly ExampleScenario[] = [
  {
    example: 'node-service',
    git: true,
    exitCode: 0,
    runStatus: 'succeeded',
    tasks: { lint: 'succeeded', test: 'succeeded', build: 'succeeded', announce: 'succeeded' },
    async check(summary, dir, result) {
      expect(taskOf(summary, 'test').reports).toEqual({
        tests: 9,
        passed: 9,
        failed: 0,
        errored: 0,
        skipped: 0,
      });
      const build = taskOf(summary, 'build');
      expect(build.results).toEqual({ version: '1.4.0' });
      expect(build.artifacts.map((a) => a.path)).toEqual(['dist/node-service-1.4.0.tgz']);
      const kept = join(
        dir,
        '.slipway/runs',
        summary.run.id,
        'artifacts/build/dist/node-service-1.4.0.tgz',
      );
      expect((await stat(kept)).size).toBe(build.artifacts[0]?.size);
      expect(result.stderr).toMatch(/\[announce\].*node-service 1\.4\.0 is ready to deploy/);
      expect(result.stderr).toMatch(/\[test\].*notes service over HTTP/);
      const junit = await readFile(join(dir, 'reports/junit.xml'), 'utf8');
      expect(junit).toContain('<testsuite name="notes service over HTTP"');
    },
  },
  {
    example: 'makefile-only',
    exitCode: 0,
    runStatus: 'succeeded',
    tasks: {
      init: 'succeeded',
      style: 'succeeded',
      'test-unit': 'succeeded',
      'test-integration': 'succeeded',
      build: 'succeeded',
    },
    async check(summary, dir, result) {
      expect(summary.run.pipeline).toBe('default');
      expect(await readFile(join(dir, 'build/app.txt'), 'utf8')).toBe(
        'app built from a Makefile\n',
      );
      expect(result.stderr).toMatch(/\[build\].*building the application/);
    },
  },
  {
    example: 'matrix',
    exitCode: 0,
    runStatus: 'succeeded',
    tasks: {
      'test[node=18,os=linux]': 'succeeded',
      'test[node=20,os=linux]': 'succeeded',
      'test[experimental=true,node=22,os=linux]': 'succeeded',
      'test[node=20,os=macos]': 'succeeded',
      'test[node=22,os=macos]': 'succeeded',
      'test[node=20,os=windows]': 'succeeded',
      summary: 'succeeded',
    },
    check(summary, _dir, result) {
      expect(taskOf(summary, 'test[node=20,os=windows]').name).toBe('test');
      expect(result.stderr).toContain('testing on windows with Node.js 20');
      expect(result.stderr).toMatch(/\[test\[experimental=true,node=22,os=linux\]\].*experimental/);
    },
  },
  {
    example: 'flaky-retry',
    exitCode: 0,
    runStatus: 'succeeded',
    tasks: { flaky: 'succeeded', after: 'succeeded' },
    check(summary, _dir, result) {
      expect(taskOf(summary, 'flaky').attempts).toBe(2);
      expect(taskOf(summary, 'after').attempts).toBe(1);
      expect(result.stderr).toMatch(/\[flaky\].*attempt 1/);
      expect(result.stderr).toMatch(/\[flaky\].*the service answered/);
    },
  },
  {
    example: 'finally-results',
    exitCode: 1,
    runStatus: 'failed',
    tasks: {
      version: 'succeeded',
      package: 'succeeded',
      integration: 'failed',
      deploy: 'skipped',
      report: 'succeeded',
    },
    check(summary, _dir, result) {
      expect(taskOf(summary, 'version').results).toEqual({ tag: 'v1.4.2' });
      expect(taskOf(summary, 'integration').reason).toEqual(expect.any(String));
      expect(result.stderr).toMatch(/\[package\].*packaging release v1\.4\.2/);
      expect(result.stderr).toMatch(/\[report\].*integration: failed/);
      expect(result.stderr).toMatch(/\[report\].*deploy: +skipped/);
      expect(result.stderr).toMatch(/\[deploy\].*skipped/);
      expect(result.stderr).not.toContain('deploying');
    },
  },
];

describe('slipway run on the examples', () => {
  it.each(scenarios)(
    '$example ends $runStatus with exit code $exitCode',
    async (scenario) => {
      const dir = await repos.copyExample(scenario.example, { git: scenario.git ?? false });
      const result = await runCli(['run', '-C', dir, '--json']);
      const summary = parseSummary(result);

      expect(statusesOf(summary)).toEqual(scenario.tasks);
      expect(summary.run.status).toBe(scenario.runStatus);
      expect(result.code).toBe(scenario.exitCode);
      await scenario.check?.(summary, dir, result);
    },
    60_000,
  );

  it('prints live output prefixed with the task id on stdout without --json', async () => {
    const dir = await repos.copyExample('finally-results');
    const result = await runCli(['run'], { cwd: dir });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\[package\] +packaging release v1\.4\.2$/m);
    expect(result.stdout).toMatch(/^\[report\] +integration: failed$/m);
  });
});

describe('slipway run --only', () => {
  it('runs the chosen task and the tasks it needs, and no other', async () => {
    const dir = await repos.copyExample('node-service');
    const result = await runCli(['run', '-C', dir, '--only', 'build', '--json']);
    const summary = parseSummary(result);

    expect(result.code).toBe(0);
    expect(statusesOf(summary)).toEqual({
      lint: 'succeeded',
      test: 'succeeded',
      build: 'succeeded',
    });
  });

  it('selects every combination of a matrix task by its name', async () => {
    const dir = await repos.copyExample('matrix');
    const result = await runCli(['run', '-C', dir, '--only', 'test', '--json']);
    const summary = parseSummary(result);

    expect(result.code).toBe(0);
    expect(summary.tasks.map((t) => t.name)).toEqual(Array<string>(6).fill('test'));
  });

  it('runs one combination of a matrix task by its id', async () => {
    const dir = await repos.copyExample('matrix');
    const result = await runCli(['run', '-C', dir, '--only', 'test[node=20,os=windows]', '--json']);

    expect(statusesOf(parseSummary(result))).toEqual({ 'test[node=20,os=windows]': 'succeeded' });
  });

  it('still runs finally tasks', async () => {
    const dir = await repos.copyExample('finally-results');
    const result = await runCli(['run', '-C', dir, '--only', 'package', '--json']);

    expect(result.code).toBe(0);
    expect(statusesOf(parseSummary(result))).toEqual({
      version: 'succeeded',
      package: 'succeeded',
      report: 'succeeded',
    });
  });

  it('rejects an unknown task with exit code 2 before anything runs', async () => {
    const dir = await repos.copyExample('makefile-only');
    const result = await runCli(['run', '-C', dir, '--only', 'deploy']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('deploy');
    expect(existsSync(join(dir, 'build'))).toBe(false);
  });
});
