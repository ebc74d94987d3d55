import { RunStatus, TaskStatus, tasksReadBy, type TaskRecord } from '@slipway/core';
import { planTask, testPlan } from '@slipway/testing';
import { describe, expect, it } from 'vitest';
import { graphOf } from '../scheduler/plan-graph.js';
import { attemptContext } from './attempt-context.js';

const matrixGroup = { name: 'test', maxParallel: null, failFast: true };
const plan = testPlan([
  planTask('version', { results: ['tag'] }),
  planTask('test[node=20]', { name: 'test', matrix: { node: '20' }, matrixGroup }),
  planTask('test[node=22]', { name: 'test', matrix: { node: '22' }, matrixGroup }),
  planTask('build', { needs: ['version'] }),
  planTask('deploy', { needs: ['build', 'test[node=20]', 'test[node=22]'] }),
  planTask('lint'),
]);

function record(taskId: string, status: TaskStatus, results = {}): TaskRecord {
  return {
    runId: 'r1',
    taskId,
    status,
    attempt: 1,
    reason: null,
    results,
    attemptId: `${taskId}-1`,
    startedAt: 1,
    finishedAt: 2,
  };
}

const ids = (taskId: string) => {
  const graph = graphOf(plan);
  return [...tasksReadBy(graph, graph.indexOf.get(taskId) ?? -1)]
    .map((i) => plan.tasks[i]?.id)
    .sort();
};

describe('attemptContext', () => {
  it('reads the rows of the tasks a task needs, directly or not, and of their whole matrix', () => {
    expect(ids('deploy')).toEqual(['build', 'test[node=20]', 'test[node=22]', 'version']);
    expect(ids('build')).toEqual(['version']);
    expect(ids('lint')).toEqual([]);
  });

  it('builds the context from those rows alone', () => {
    const rows = [
      record('version', TaskStatus.Succeeded, { tag: 'v1.2.0' }),
      record('test[node=20]', TaskStatus.Succeeded),
      record('test[node=22]', TaskStatus.Failed),
      record('build', TaskStatus.Succeeded),
    ];
    const context = attemptContext(plan, RunStatus.Running, rows, 'deploy');
    expect(context.tasks).toEqual({
      version: { status: TaskStatus.Succeeded, results: { tag: 'v1.2.0' } },
      build: { status: TaskStatus.Succeeded, results: {} },
      test: { status: TaskStatus.Failed, results: {} },
    });
    expect(context.status).toEqual({ failed: true, cancelled: false });
    expect(attemptContext(plan, RunStatus.Cancelled, [], 'lint')).toMatchObject({
      tasks: {},
      status: { failed: false, cancelled: true },
      trigger: { event: 'push', branch: 'main' },
    });
  });
});
