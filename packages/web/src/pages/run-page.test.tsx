// @vitest-environment happy-dom
import { act } from 'react';
import type { CallerAccess, PlanTask, RunDetail, SlipwayClient, Task } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { SignedContext } from '../app/api-context.js';
import { render } from '../testing/render.js';
import { RunPage } from './run-page.js';
import { groupStatus } from './task-groups.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

function task(taskId: string, status: Task['status'], needs: string[] = []): Task {
  return {
    taskId,
    name: taskId.replace(/\[.*$/, ''),
    kind: 'main',
    needs,
    status,
    attempt: 1,
    reason: null,
    results: {},
    attemptId: null,
    startedAt: null,
    finishedAt: null,
  };
}

function planTask(id: string, matrix: boolean): PlanTask {
  const name = id.replace(/\[.*$/, '');
  return {
    id,
    name,
    matrixGroup: matrix ? { name, maxParallel: null, failFast: true } : null,
  } as unknown as PlanTask;
}

const MEMBERS = ['test[node=20]', 'test[node=22]', 'test[node=24]'];

function detail(commitUrl: string | null): RunDetail {
  return {
    run: {
      id: 'r1',
      projectId: 'p1',
      projectName: 'shop',
      number: 7,
      pipeline: 'ci',
      status: 'running',
      trigger: {
        event: 'push',
        branch: 'main',
        actor: 'ada',
        commit: COMMIT,
        message: 'Total the cart in cents\n\nFloats lost a cent on large carts.',
      },
      createdAt: 1000,
      startedAt: 1000,
      finishedAt: null,
      trusted: true,
    },
    plan: {
      tasks: [planTask('build', false), ...MEMBERS.map((id) => planTask(id, true))],
    },
    tasks: [
      task('build', 'succeeded'),
      task('test[node=20]', 'succeeded', ['build']),
      task('test[node=22]', 'failed', ['build']),
      task('test[node=24]', 'running', ['build']),
    ],
    commitUrl,
  } as unknown as RunDetail;
}

let unmount: () => void = () => undefined;
afterEach(() => {
  unmount();
});

async function show(value: RunDetail) {
  const client = {
    getRun: () => Promise.resolve(value),
    listArtifacts: () => Promise.resolve([]),
  } as unknown as SlipwayClient;
  const access: CallerAccess = {
    user: 'ada',
    admin: false,
    roles: [{ projectId: 'p1', role: 'viewer' }],
    groups: [],
  };
  const view = render(
    <SignedContext.Provider value={{ client, access, signOut: () => undefined }}>
      <RunPage id="r1" />
    </SignedContext.Provider>,
  );
  unmount = view.unmount;
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  return view;
}

describe('the run page', () => {
  it('shows the tasks of a matrix as one group row that expands to its members', async () => {
    const view = await show(detail(null));
    const toggle = view.container.querySelector<HTMLButtonElement>('.group-toggle');
    if (toggle === null) throw new Error('no matrix group');
    const group = toggle.closest('li');
    expect(toggle.textContent).toContain('test');
    expect(toggle.textContent).toContain('3 tasks');
    expect(group?.querySelector('.badge')?.textContent).toBe('failed');
    expect(group?.textContent).toContain('1 succeeded, 1 failed, 1 running');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    const members = () =>
      [...view.container.querySelectorAll('.group-members .task-name')].map((a) => a.textContent);
    expect(members()).toEqual([]);

    act(() => {
      toggle.click();
    });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(members()).toEqual(['[node=20]', '[node=22]', '[node=24]']);
    const controlled = toggle.getAttribute('aria-controls') ?? '';
    expect(document.getElementById(controlled)?.hidden).toBe(false);
    const build = [...view.container.querySelectorAll('.task-name')].find(
      (a) => a.textContent === 'build',
    );
    expect(build?.getAttribute('href')).toBe('/runs/r1/tasks/build/logs');
  });

  it('shows the trigger, actor, short commit linked to the forge, and the commit message', async () => {
    const url = `https://github.com/acme/shop/commit/${COMMIT}`;
    const view = await show(detail(url));
    const facts = view.container.querySelector('.facts');
    expect(facts?.textContent).toContain('push');
    expect(facts?.textContent).toContain('ada');
    const link = facts?.querySelector('a[href^="https://github.com"]');
    expect(link?.textContent).toBe(COMMIT.slice(0, 10));
    expect(link?.getAttribute('href')).toBe(url);
    expect(facts?.querySelector('.commit-subject')?.textContent).toBe('Total the cart in cents');
    expect(facts?.querySelector('.commit-message pre')?.textContent).toBe(
      'Floats lost a cent on large carts.',
    );
  });

  it('shows the commit without a link when the project has no forge', async () => {
    const view = await show(detail(null));
    const commit = [...view.container.querySelectorAll('.facts dd')].find(
      (dd) => dd.getAttribute('title') === COMMIT,
    );
    expect(commit?.textContent).toBe(COMMIT.slice(0, 10));
    expect(commit?.querySelector('a')).toBeNull();
  });
});

describe('the status of a matrix group', () => {
  it('is a failure when any member failed, work under way while some still run or wait', () => {
    expect(groupStatus([task('a', 'succeeded'), task('b', 'failed')])).toBe('failed');
    expect(groupStatus([task('a', 'succeeded'), task('b', 'pending')])).toBe('running');
    expect(groupStatus([task('a', 'pending'), task('b', 'pending')])).toBe('pending');
    expect(groupStatus([task('a', 'succeeded'), task('b', 'skipped')])).toBe('succeeded');
    expect(groupStatus([task('a', 'skipped'), task('b', 'skipped')])).toBe('skipped');
  });
});
