// @vitest-environment happy-dom
import type { Run } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from '../testing/render.js';
import { latestRuns, markClosedPulls } from './latest-runs.js';
import { RefSummary } from './ref-summary.js';

function run(id: string, pipeline: string, trigger: Run['trigger'], status: Run['status']): Run {
  return {
    id,
    projectId: 'p1',
    projectName: 'shop',
    number: Number(id.slice(1)),
    pipeline,
    status,
    trigger,
    createdAt: Date.now() - 60_000,
    startedAt: null,
    finishedAt: null,
    trusted: true,
  };
}

let unmount: () => void = () => undefined;
afterEach(() => {
  unmount();
});

describe('branches and pull requests on the project page', () => {
  it('show the latest run of each pipeline with its status, linked to the run', () => {
    const { branches, pulls } = latestRuns([
      run('r1', 'ci', { event: 'push', branch: 'main' }, 'failed'),
      run('r2', 'deploy', { event: 'api', branch: 'main' }, 'succeeded'),
      run('r3', 'ci', { event: 'pull_request', pr: 7, title: 'Cheaper carts' }, 'running'),
    ]);
    const view = render(
      <>
        <RefSummary title="Branches" refs={branches} what="branch" />
        <RefSummary title="Pull requests" refs={pulls} what="pull" />
      </>,
    );
    unmount = view.unmount;
    const rows = [...view.container.querySelectorAll('tbody tr')].map((row) =>
      [...row.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.textContent]),
    );
    expect(rows).toEqual([
      [
        ['/runs/r1', 'ci failed'],
        ['/runs/r2', 'deploy succeeded'],
      ],
      [['/runs/r3', 'ci running']],
    ]);
    expect(view.container.querySelector('tbody th')?.textContent).toBe('main');
    expect(view.container.textContent).toContain('#7 Cheaper carts');
  });

  it('mark the pull requests their forge closed, after the open ones', () => {
    const runs = [
      run('r1', 'ci', { event: 'pull_request', pr: 7, title: 'Merged already' }, 'succeeded'),
      run('r2', 'ci', { event: 'pull_request', pr: 8, title: 'Still open' }, 'running'),
      run('r3', 'ci', { event: 'pull_request', pr: 9, title: 'Only commented' }, 'failed'),
    ].map((r, i) => ({ ...r, createdAt: 1000 + i }));
    const pulls = markClosedPulls(latestRuns(runs).pulls, [
      { number: 8, state: 'open', headCommit: null, updatedAt: 1 },
      { number: 7, state: 'closed', headCommit: null, updatedAt: 2 },
    ]);
    expect(pulls.map((p) => [p.ref, p.closed])).toEqual([
      [9, false],
      [8, false],
      [7, true],
    ]);
    const view = render(<RefSummary title="Pull requests" refs={pulls} what="pull" />);
    unmount = view.unmount;
    const heads = [...view.container.querySelectorAll('tbody th')].map((th) => th.textContent);
    expect(heads).toEqual(['#9 Only commented', '#8 Still open', '#7 closed Merged already']);
    expect(view.container.querySelectorAll('tbody th .badge')).toHaveLength(1);
  });

  it('say so when nothing has recent runs', () => {
    const view = render(<RefSummary title="Pull requests" refs={[]} what="pull" />);
    unmount = view.unmount;
    expect(view.container.textContent).toContain('No pull request has recent runs.');
  });
});
