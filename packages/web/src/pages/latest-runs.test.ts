import type { Run } from '@slipway/api';
import { describe, expect, it } from 'vitest';
import { latestRuns } from './latest-runs.js';

let number = 0;
function run(pipeline: string, trigger: Run['trigger'], createdAt: number): Run {
  number++;
  return {
    id: `r${number}`,
    projectId: 'p1',
    projectName: 'shop',
    number,
    pipeline,
    status: 'succeeded',
    trigger,
    createdAt,
    startedAt: null,
    finishedAt: null,
    trusted: true,
  };
}

describe('the latest runs of a project', () => {
  it('keeps the latest run per pipeline of each branch and pull request, most recent first', () => {
    const oldCi = run('ci', { event: 'push', branch: 'main' }, 1);
    const ci = run('ci', { event: 'push', branch: 'main' }, 5);
    const deploy = run('deploy', { event: 'api', branch: 'main' }, 3);
    const feature = run('ci', { event: 'push', branch: 'feature' }, 7);
    const pr = run('ci', { event: 'pull_request', branch: 'feature', pr: 12, title: 'Faster' }, 8);
    const tag = run('ci', { event: 'push', tag: 'v1.0.0' }, 9);
    const { branches, pulls } = latestRuns([deploy, ci, oldCi, feature, pr, tag]);
    expect(branches.map((b) => [b.ref, b.runs.map((r) => r.id)])).toEqual([
      ['feature', [feature.id]],
      ['main', [ci.id, deploy.id]],
    ]);
    expect(pulls).toEqual([{ ref: 12, title: 'Faster', runs: [pr], latestAt: 8 }]);
  });
});
