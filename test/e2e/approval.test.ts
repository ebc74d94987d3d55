import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseSummary, runCli, statusesOf, taskOf, useTempRepos } from './helpers.js';

const repos = useTempRepos();

describe('approval tasks in slipway run', () => {
  it('runs on with --approve, and the next task reads who approved', async () => {
    const dir = await repos.copyExample('approval');
    const result = await runCli(['run', '-C', dir, '--approve', 'approve', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = parseSummary(result);
    expect(summary.run.status).toBe('succeeded');
    expect(statusesOf(summary)).toEqual({
      build: 'succeeded',
      approve: 'succeeded',
      deploy: 'succeeded',
    });
    const user = userInfo().username;
    expect(taskOf(summary, 'approve')).toMatchObject({
      attempts: 0,
      results: { approved_by: user, comment: 'approved beforehand with --approve' },
    });
    expect(result.stderr).toContain(
      `deploying 1.0.0, approved by ${user} (approved beforehand with --approve)`,
    );
  });

  it('fails the approval without a terminal or --approve, saying what to pass', async () => {
    const dir = await repos.copyExample('approval');
    const result = await runCli(['run', '-C', dir, '--json']);
    expect(result.code).toBe(1);
    const summary = parseSummary(result);
    expect(summary.run.status).toBe('failed');
    expect(taskOf(summary, 'approve')).toMatchObject({
      status: 'failed',
      reason:
        'rejected by slipway run: no one can be asked without an interactive terminal; pass `--approve approve` to approve it beforehand',
    });
    expect(taskOf(summary, 'deploy')).toMatchObject({
      status: 'skipped',
      reason: 'needed task approve failed',
    });
    expect(result.stderr).not.toContain('deploying');
  });

  it('refuses --approve of a task that is not an approval task before anything runs', async () => {
    const dir = await repos.copyExample('approval');
    const result = await runCli(['run', '-C', dir, '--approve', 'deploy']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--approve deploy: the pipeline has no approval task "deploy"; its approval tasks are approve. Nothing was run.',
    );
    expect(result.stdout).not.toContain('[build]');
  });
});
