import { FakeClock, FakeExecutor } from '@slipway/testing';
import { describe, expect, it } from 'vitest';
import type { Plan, PlanTask } from '../plan/plan.js';
import type { TaskWorkspace } from '../ports/task-workspace.js';
import { SecretMasker } from '../secrets/index.js';
import { runAttempt, type AttemptReport, type RunObserver } from './index.js';

const SECRET = 'hunter2-secret';

function task(over: Partial<PlanTask> = {}): PlanTask {
  return {
    id: 'test',
    name: 'test',
    kind: 'main',
    matrix: null,
    needs: [],
    when: null,
    image: null,
    runsOn: [],
    env: {},
    steps: [
      {
        name: 'unit',
        run: 'make test',
        shell: ['sh', '-c'],
        env: {},
        timeoutMs: null,
        continueOnError: false,
      },
    ],
    timeoutMs: null,
    retries: { count: 0, backoffMs: 0, maxBackoffMs: 0 },
    results: [],
    reports: ['reports/*.xml'],
    artifacts: [],
    template: null,
    matrixGroup: null,
    ...over,
  };
}

function workspace(reports: { file: string; text: string }[]): TaskWorkspace {
  return {
    prepareAttempt: () =>
      Promise.resolve({ workingDirectory: '/repo', resultsDirectory: '/scratch/results' }),
    readResults: () => Promise.resolve({}),
    readReportFiles: () => Promise.resolve(reports),
    collectArtifacts: () => Promise.resolve([]),
  };
}

const silent: RunObserver = {
  runStarted: () => undefined,
  taskStatusChanged: () => undefined,
  stepStarted: () => undefined,
  stepFinished: () => undefined,
  output: () => undefined,
  warning: () => undefined,
  runFinished: () => undefined,
};

async function attempt(t: PlanTask, reports: { file: string; text: string }[], exitCode = 0) {
  const clock = new FakeClock();
  const executor = new FakeExecutor({ clock }).script(t.id, { exitCode });
  const plan: Plan = {
    schemaVersion: 1,
    pipeline: 'ci',
    source: { file: '.slipway.yml' },
    params: {},
    trigger: { event: 'manual' },
    timeoutMs: null,
    concurrency: null,
    tasks: [t],
  };
  const running = runAttempt({
    runId: 'run-1',
    plan,
    task: t,
    attempt: 1,
    executor,
    workspace: workspace(reports),
    baseEnv: {},
    secrets: { TOKEN: SECRET },
    masker: new SecretMasker([SECRET]),
    killGraceMs: 100,
    clock,
    observer: silent,
    stop: {
      cancel: new AbortController(),
      kill: new AbortController(),
      reason: null,
      timedOut: false,
    },
    context: () => ({}),
  });
  return clock.runUntilSettled<AttemptReport>(running);
}

const UNIT = `<testsuite name="unit">
  <testcase classname="shop.Cart" name="adds" time="0.25"/>
  <testcase classname="shop.Cart" name="pays" time="1">
    <failure message="token ${SECRET} was refused">at Cart.pay (cart.ts:10)
used ${SECRET}</failure>
  </testcase>
</testsuite>`;

describe('runAttempt', () => {
  it('returns the parsed test report, suites and cases, with secrets masked', async () => {
    const report = await attempt(task(), [{ file: 'reports/unit.xml', text: UNIT }], 1);
    expect(report.outcome).toBe('failed');
    expect(report.report).toEqual({
      tests: 2,
      passed: 1,
      failed: 1,
      errored: 0,
      skipped: 0,
      durationMs: 1250,
    });
    expect(report.testReport?.totals).toEqual(report.report);
    const [suite] = report.testReport?.suites ?? [];
    expect(suite).toMatchObject({ name: 'unit', tests: 2, failures: 1 });
    expect(suite?.cases.map((c) => [c.name, c.status])).toEqual([
      ['adds', 'passed'],
      ['pays', 'failed'],
    ]);
    const failed = suite?.cases[1];
    expect(failed?.classname).toBe('shop.Cart');
    expect(failed?.message).toBe('token *** was refused');
    expect(failed?.details).toContain('at Cart.pay (cart.ts:10)');
    expect(JSON.stringify(report.testReport)).not.toContain(SECRET);
  });

  it('returns no report for a task that declares none or whose reports are all unreadable', async () => {
    expect((await attempt(task({ reports: [] }), [])).testReport).toBeNull();
    const broken = await attempt(task(), [{ file: 'reports/x.xml', text: '<testsuite' }]);
    expect(broken.testReport).toBeNull();
    expect(broken.report).toBeNull();
  });
});
