import { FakeClock, FakeExecutor, planStep, planTask, testPlan } from '@slipway/testing';
import { describe, expect, it } from 'vitest';
import { UserError, UserErrorKind } from '../errors/user-error.js';
import type { Plan } from '../plan/plan.js';
import type { Clock } from '../ports/clock.js';
import type { TaskWorkspace } from '../ports/task-workspace.js';
import {
  RunControls,
  runPlan,
  type ApprovalPrompter,
  type RunObserver,
  type RunSummary,
} from './index.js';

/** Results, reports and artifacts kept in memory. */
class MemoryWorkspace implements TaskWorkspace {
  readonly files = new Map<string, string>();
  reports: { file: string; text: string }[] = [];
  artifactError: string | null = null;

  prepareAttempt(taskId: string, attempt: number) {
    return Promise.resolve({
      workingDirectory: '/repo',
      resultsDirectory: `/scratch/${taskId}/${attempt}`,
    });
  }

  write(directory: string | undefined, name: string, text: string): void {
    this.files.set(`${directory ?? ''}/${name}`, text);
  }

  readResults(directory: string, names: readonly string[]) {
    const out: Record<string, string> = {};
    for (const name of names) {
      const text = this.files.get(`${directory}/${name}`);
      if (text === undefined) {
        return Promise.reject(
          new UserError(
            UserErrorKind.NotFound,
            `result ${name} was not written to ${directory}/${name}`,
          ),
        );
      }
      out[name] = text.replace(/\r?\n$/, '');
    }
    return Promise.resolve(out);
  }

  readReportFiles() {
    return Promise.resolve(this.reports);
  }

  collectArtifacts(_taskId: string, globs: readonly string[]) {
    if (this.artifactError !== null) {
      return Promise.reject(new UserError(UserErrorKind.Config, this.artifactError));
    }
    return Promise.resolve(globs.map((path) => ({ path, size: 3 })));
  }
}

type Seen =
  | { kind: 'status'; taskId: string; status: string; attempt: number; reason: string | null }
  | { kind: 'output'; taskId: string; stream: string; text: string }
  | { kind: 'step'; taskId: string; attempt: number; step: number; end: string | null }
  | { kind: 'warning'; taskId: string | null; message: string };

function recorder() {
  const seen: Seen[] = [];
  const calls: string[] = [];
  const observer: RunObserver = {
    runStarted: () => calls.push('runStarted'),
    taskStatusChanged: (taskId, status, attempt, reason) =>
      void seen.push({ kind: 'status', taskId, status, attempt, reason }),
    stepStarted: (taskId, attempt, s) =>
      void seen.push({ kind: 'step', taskId, attempt, step: s, end: null }),
    stepFinished: (taskId, attempt, s, _name, outcome) =>
      void seen.push({ kind: 'step', taskId, attempt, step: s, end: outcome.end }),
    output: (taskId, _attempt, stream, text) =>
      void seen.push({ kind: 'output', taskId, stream, text }),
    warning: (message, taskId) => void seen.push({ kind: 'warning', taskId, message }),
    runFinished: () => calls.push('runFinished'),
  };
  const output = (taskId: string) =>
    seen.flatMap((s) => (s.kind === 'output' && s.taskId === taskId ? [s.text] : [])).join('');
  const warnings = () => seen.flatMap((s) => (s.kind === 'warning' ? [s.message] : []));
  const statuses = (taskId: string) =>
    seen.flatMap((s) => (s.kind === 'status' && s.taskId === taskId ? [s.status] : []));
  return { observer, seen, calls, output, warnings, statuses };
}

function setup(
  p: Plan,
  options: {
    capacity?: number;
    secrets?: Record<string, string>;
    approvals?: ApprovalPrompter;
    /** Timers longer than this fire this many milliseconds early, as Node.js timers may. */
    timersEarlyMs?: number;
  } = {},
) {
  const clock = new FakeClock();
  const early = options.timersEarlyMs ?? 0;
  const runClock: Clock = {
    now: () => clock.now(),
    setTimer: (delayMs, callback) =>
      clock.setTimer(delayMs > early ? delayMs - early : delayMs, callback),
    sleep: (delayMs, signal) => clock.sleep(delayMs, signal),
  };
  const fake = new FakeExecutor({ clock });
  const workspace = new MemoryWorkspace();
  const rec = recorder();
  const controls = new RunControls();
  const start = () =>
    runPlan(p, {
      runId: 'run-1',
      executorFor: () => fake,
      workspace,
      baseEnv: { PATH: '/usr/bin', HOME: '/home/me', CI: 'false' },
      secrets: options.secrets ?? {},
      capacity: options.capacity ?? 4,
      killGraceMs: 500,
      clock: runClock,
      observer: rec.observer,
      controls,
      approvals: options.approvals,
    });
  const run = () => clock.runUntilSettled(start());
  return { clock, fake, workspace, rec, controls, start, run };
}

const byId = (summary: RunSummary, id: string) => {
  const found = summary.tasks.find((t) => t.id === id);
  if (!found) throw new Error(`no task ${id} in the summary`);
  return found;
};

describe('runPlan', () => {
  it('runs tasks in dependency order and steps in order, and summarises the run', async () => {
    const t = setup(
      testPlan([
        planTask('build', { steps: [planStep('compile'), planStep('package')] }),
        planTask('test', { needs: ['build'] }),
        planTask('lint', { needs: ['build'] }),
      ]),
    );
    t.fake.script('build', { durationMs: 1000 });
    const summary = await t.run();
    expect(summary).toMatchObject({
      runId: 'run-1',
      pipeline: 'ci',
      status: 'succeeded',
      durationMs: 2000,
    });
    expect(t.fake.calls.map((c) => `${c.request.taskId}/${c.request.stepName}`)).toEqual([
      'build/compile',
      'build/package',
      'test/main',
      'lint/main',
    ]);
    expect(byId(summary, 'build')).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      durationMs: 2000,
    });
    expect(t.rec.calls).toEqual(['runStarted', 'runFinished']);
    expect(t.rec.statuses('build')).toEqual(['ready', 'running', 'succeeded']);
    expect(t.fake.violations).toEqual([]);
  });

  it('gives steps their environment, later sources winning', async () => {
    const t = setup(
      testPlan([
        planTask('test[os=linux,node-version=20]', {
          name: 'test',
          matrix: { os: 'linux', 'node-version': 20 },
          env: { HOME: '/task', LEVEL: 'task', TOKEN: 'plain' },
          steps: [planStep('one', { env: { LEVEL: 'step' } }), planStep('two')],
        }),
      ]),
      { secrets: { TOKEN: 'the-real-token' } },
    );
    await t.run();
    const [one, two] = t.fake.calls.map((c) => c.request);
    expect(one?.env).toEqual({
      PATH: '/usr/bin',
      HOME: '/task',
      CI: 'true',
      SLIPWAY_RUN_ID: 'run-1',
      SLIPWAY_TASK_ID: 'test[os=linux,node-version=20]',
      SLIPWAY_TASK_NAME: 'test',
      SLIPWAY_ATTEMPT: '1',
      SLIPWAY_RESULTS: '/scratch/test[os=linux,node-version=20]/1',
      SLIPWAY_WORKSPACE: '/repo',
      SLIPWAY_EVENT: 'push',
      SLIPWAY_BRANCH: 'main',
      MATRIX_OS: 'linux',
      MATRIX_NODE_VERSION: '20',
      LEVEL: 'step',
      TOKEN: 'the-real-token',
    });
    expect(two?.env.LEVEL).toBe('task');
    expect(one).toMatchObject({
      workingDirectory: '/repo',
      mounts: ['/repo', '/scratch/test[os=linux,node-version=20]/1'],
      script: 'echo one',
      shell: ['sh', '-c'],
      killGraceMs: 500,
    });
  });

  it('never runs more attempts at once than its capacity', async () => {
    const t = setup(testPlan(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => planTask(id))), {
      capacity: 2,
    });
    t.fake.script({}, { durationMs: 100 });
    const summary = await t.run();
    expect(summary.status).toBe('succeeded');
    expect(t.fake.maxConcurrent).toBe(2);
    expect(summary.durationMs).toBe(300);
    expect(t.fake.calls.map((c) => c.request.taskId)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('retries a failing task after its backoff', async () => {
    const t = setup(
      testPlan([
        planTask('flaky', { retries: { count: 3, backoffMs: 1000, maxBackoffMs: 10_000 } }),
      ]),
    );
    t.fake.script('flaky', { exitCode: 1, durationMs: 10 });
    t.fake.script({ taskId: 'flaky', attempt: 3 }, { exitCode: 0, durationMs: 10 });
    const summary = await t.run();
    const starts = t.fake.calls.map((c) => c.startedAt - (t.fake.calls[0]?.startedAt ?? 0));
    expect(starts).toEqual([0, 1010, 3020]);
    expect(byId(summary, 'flaky')).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(t.rec.seen).toContainEqual({
      kind: 'status',
      taskId: 'flaky',
      status: 'pending',
      attempt: 1,
      reason: 'attempt 1 failed: step "main" exited with code 1; retrying',
    });
    expect(t.fake.violations).toEqual([]);
  });

  it('retries after the backoff even when timers fire early', async () => {
    const t = setup(
      testPlan([planTask('flaky', { retries: { count: 1, backoffMs: 1000, maxBackoffMs: 0 } })]),
      { timersEarlyMs: 1 },
    );
    t.fake.script({ taskId: 'flaky', attempt: 1 }, { exitCode: 1, durationMs: 10 });
    const summary = await t.run();
    const starts = t.fake.calls.map((c) => c.startedAt - (t.fake.calls[0]?.startedAt ?? 0));
    expect(starts).toEqual([0, 1010]);
    expect(byId(summary, 'flaky')).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('stops a task at its first failing step unless the step may fail', async () => {
    const t = setup(
      testPlan([
        planTask('lenient', {
          steps: [planStep('check', { continueOnError: true }), planStep('after')],
        }),
        planTask('strict', { steps: [planStep('check'), planStep('never')] }),
      ]),
    );
    t.fake.script({ stepIndex: 0 }, { exitCode: 4 });
    const summary = await t.run();
    expect(byId(summary, 'lenient').status).toBe('succeeded');
    expect(byId(summary, 'strict')).toMatchObject({
      status: 'failed',
      reason: 'step "check" exited with code 4',
    });
    expect(t.fake.callsFor('strict')).toHaveLength(1);
    expect(t.rec.warnings()).toEqual([
      'step "check" exited with code 4; continuing because the step has continue-on-error',
    ]);
    expect(summary.status).toBe('failed');
  });

  it('fails a task whose step cannot start or whose executor is unusable', async () => {
    const t = setup(testPlan([planTask('a'), planTask('b')]));
    t.fake.script('a', { startFailed: 'shell bash not found' });
    t.fake.script('b', { throws: new UserError(UserErrorKind.Environment, 'no container engine') });
    const summary = await t.run();
    expect(byId(summary, 'a').reason).toBe('step "main" could not start: shell bash not found');
    expect(byId(summary, 'b').reason).toBe('step "main" could not start: no container engine');
  });

  it('rejects, after stopping what runs, when the executor has a bug', async () => {
    const t = setup(testPlan([planTask('a'), planTask('b')]));
    t.fake.script('a', { throws: new TypeError('boom') });
    t.fake.script('b', { hang: true });
    await expect(t.run()).rejects.toThrow('boom');
    expect(t.fake.callsFor('b')[0]?.outcome?.end).toBe('cancelled');
  });

  it('runs finally tasks after a failure', async () => {
    const t = setup(
      testPlan([
        planTask('build'),
        planTask('deploy', { needs: ['build'] }),
        planTask('cleanup', { kind: 'finally' }),
        planTask('notify', { kind: 'finally', needs: ['cleanup'], when: 'failure()' }),
      ]),
    );
    t.fake.script('build', { exitCode: 1 });
    const summary = await t.run();
    expect(summary.status).toBe('failed');
    expect(summary.tasks.map((x) => [x.id, x.status])).toEqual([
      ['build', 'failed'],
      ['deploy', 'skipped'],
      ['cleanup', 'succeeded'],
      ['notify', 'succeeded'],
    ]);
    expect(byId(summary, 'deploy').reason).toBe('needed task build failed');
  });

  it('hands results to later tasks through their environment', async () => {
    const t = setup(
      testPlan([
        planTask('version', { results: ['tag', 'notes'] }),
        planTask('build', { needs: ['version'] }),
        planTask('publish', {
          needs: ['build'],
          env: { TAG: 'v${{ tasks.version.results.tag }}' },
          steps: [planStep('push', { env: { NOTES: '${{ tasks.version.results.notes }}' } })],
        }),
      ]),
    );
    t.fake.script('version', {
      effect: (request) => {
        t.workspace.write(request.env.SLIPWAY_RESULTS, 'tag', '1.2.3\n');
        t.workspace.write(request.env.SLIPWAY_RESULTS, 'notes', 'first line\nsecond line\n');
      },
    });
    const summary = await t.run();
    expect(byId(summary, 'version').results).toEqual({
      tag: '1.2.3',
      notes: 'first line\nsecond line',
    });
    const env = t.fake.callsFor('publish')[0]?.request.env;
    expect(env?.TAG).toBe('v1.2.3');
    expect(env?.NOTES).toBe('first line\nsecond line');
  });

  it('fails an attempt whose declared result is missing or whose env cannot be evaluated', async () => {
    const t = setup(
      testPlan([
        planTask('version', { results: ['tag'] }),
        planTask('broken', { env: { X: '${{ matrix.os }}' } }),
      ]),
    );
    const summary = await t.run();
    expect(byId(summary, 'version')).toMatchObject({
      status: 'failed',
      reason: 'result tag was not written to /scratch/version/1/tag',
    });
    expect(byId(summary, 'broken').status).toBe('failed');
    expect(byId(summary, 'broken').reason).toMatch(/^task broken: env X: /);
    expect(t.fake.callsFor('broken')).toEqual([]);
  });

  it('skips a task whose condition is false, and runs one whose condition holds', async () => {
    const t = setup(
      testPlan(
        [
          planTask('build'),
          planTask('deploy', { needs: ['build'], when: 'params.deploy' }),
          planTask('preview', { needs: ['build'], when: "trigger.branch == 'main'" }),
        ],
        { params: { deploy: false } },
      ),
    );
    const summary = await t.run();
    expect(byId(summary, 'deploy')).toMatchObject({
      status: 'skipped',
      attempts: 0,
      reason: 'condition `params.deploy` is false',
    });
    expect(byId(summary, 'preview').status).toBe('succeeded');
    expect(summary.status).toBe('succeeded');
  });

  it('stops the rest of a fail-fast matrix when one expansion fails', async () => {
    const group = { name: 'test', maxParallel: null, failFast: true };
    const t = setup(
      testPlan(
        ['1', '2', '3'].map((v) =>
          planTask(`test[v=${v}]`, { name: 'test', matrix: { v }, matrixGroup: group }),
        ),
      ),
      { capacity: 2 },
    );
    t.fake.script('test[v=1]', { exitCode: 1, durationMs: 50 });
    t.fake.script('test[v=2]', { hang: true });
    const summary = await t.run();
    expect(summary.tasks.map((x) => [x.id, x.status, x.reason])).toEqual([
      ['test[v=1]', 'failed', 'step "main" exited with code 1'],
      ['test[v=2]', 'cancelled', 'matrix fail-fast: test[v=1] failed'],
      ['test[v=3]', 'cancelled', 'matrix fail-fast: test[v=1] failed'],
    ]);
    expect(summary.status).toBe('failed');
  });

  it('cancels gracefully: running steps stop, pending tasks are cancelled, finally runs', async () => {
    const t = setup(
      testPlan([
        planTask('serve', { steps: [planStep('wait'), planStep('never')] }),
        planTask('after', { needs: ['serve'] }),
        planTask('cleanup', { kind: 'finally', when: 'cancelled()' }),
      ]),
    );
    t.fake.script('serve', { hang: true });
    const running = t.start();
    await t.clock.advance(100);
    t.controls.cancel();
    const summary = await t.clock.runUntilSettled(running);
    expect(summary.status).toBe('cancelled');
    expect(summary.tasks.map((x) => [x.id, x.status, x.reason])).toEqual([
      ['serve', 'cancelled', 'run cancelled'],
      ['after', 'cancelled', 'run cancelled'],
      ['cleanup', 'succeeded', null],
    ]);
    expect(t.fake.callsFor('serve')).toHaveLength(1);
    expect(t.fake.violations).toEqual([]);
  });

  it('kills everything at once and runs no finally task', async () => {
    const t = setup(testPlan([planTask('serve'), planTask('cleanup', { kind: 'finally' })]));
    t.fake.script('serve', { hang: true });
    const running = t.start();
    await t.clock.advance(100);
    t.controls.cancel();
    t.controls.kill();
    const summary = await t.clock.runUntilSettled(running);
    expect(summary.status).toBe('cancelled');
    expect(byId(summary, 'cleanup')).toMatchObject({ status: 'cancelled', reason: 'run killed' });
    expect(t.fake.callsFor('cleanup')).toEqual([]);
    expect(t.fake.violations).toEqual([]);
  });

  it('honours a cancel requested before the run started', async () => {
    const t = setup(testPlan([planTask('a')]));
    t.controls.cancel();
    const summary = await t.run();
    expect(summary.status).toBe('cancelled');
    expect(t.fake.calls).toEqual([]);
  });

  it('stops a task that runs past its timeout, and retries it', async () => {
    const t = setup(
      testPlan([
        planTask('slow', { timeoutMs: 1000, retries: { count: 1, backoffMs: 0, maxBackoffMs: 0 } }),
      ]),
    );
    t.fake.script('slow', { hang: true });
    const summary = await t.run();
    expect(byId(summary, 'slow')).toMatchObject({
      status: 'failed',
      attempts: 2,
      reason: 'the task timed out after 1s',
    });
    expect(t.fake.calls.map((c) => c.outcome?.end)).toEqual(['cancelled', 'cancelled']);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('passes step timeouts to the executor', async () => {
    const t = setup(
      testPlan([planTask('a', { steps: [planStep('slow', { timeoutMs: 90_000 })] })]),
    );
    t.fake.script('a', { hang: true });
    const summary = await t.run();
    expect(t.fake.calls[0]?.request.timeoutMs).toBe(90_000);
    expect(byId(summary, 'a').reason).toBe('step "slow" timed out after 1m30s');
  });

  it('ends a run that outlives its timeout as timed_out, still running finally tasks', async () => {
    const t = setup(
      testPlan([planTask('serve'), planTask('cleanup', { kind: 'finally' })], {
        timeoutMs: 60_000,
      }),
    );
    t.fake.script('serve', { hang: true });
    const summary = await t.run();
    expect(summary).toMatchObject({ status: 'timed_out', durationMs: 60_000 });
    expect(byId(summary, 'serve').reason).toBe('run timed out');
    expect(byId(summary, 'cleanup').status).toBe('succeeded');
  });

  it('masks secrets in output, results, reasons and warnings, even split across chunks', async () => {
    const secret = 'hunter2-very-secret';
    const t = setup(
      testPlan([
        planTask('leak', {
          results: ['token'],
          steps: [planStep('say', { continueOnError: true }), planStep('more')],
        }),
        planTask('use', { needs: ['leak'], env: { GOT: '${{ tasks.leak.results.token }}' } }),
      ]),
      { secrets: { API_TOKEN: secret } },
    );
    t.fake.script(
      { taskId: 'leak', stepIndex: 0 },
      {
        output: ['token is hunt', 'er2-very-', 'secret\n', { stream: 'stderr', data: secret }],
        exitCode: 1,
        effect: (request) => {
          t.workspace.write(request.env.SLIPWAY_RESULTS, 'token', `${secret}\n`);
        },
      },
    );
    t.fake.script({ taskId: 'use' }, { startFailed: `cannot use ${secret}` });
    const summary = await t.run();
    expect(t.rec.output('leak')).toBe('token is ***\n***');
    expect(byId(summary, 'leak').results).toEqual({ token: '***' });
    expect(t.fake.callsFor('use')[0]?.request.env.API_TOKEN).toBe(secret);
    expect(byId(summary, 'use').reason).toBe('step "main" could not start: cannot use ***');
    expect(JSON.stringify(t.rec.seen)).not.toContain(secret);
    expect(JSON.stringify(summary)).not.toContain(secret);
  });

  it('keeps multi-byte characters whole when they are split across chunks', async () => {
    const t = setup(testPlan([planTask('a')]));
    const text = Buffer.from('naïve € 😀\n');
    t.fake.script('a', {
      output: Array.from(text, (byte) => ({ data: Uint8Array.of(byte) })),
    });
    await t.run();
    expect(t.rec.output('a')).toBe('naïve € 😀\n');
  });

  it('reads test reports, warning about malformed ones without failing the task', async () => {
    const t = setup(testPlan([planTask('test', { reports: ['reports/*.xml'] })]));
    t.workspace.reports = [
      {
        file: 'reports/unit.xml',
        text: '<testsuite name="unit"><testcase name="a" time="0.5"/><testcase name="b"><failure message="no"/></testcase></testsuite>',
      },
      { file: 'reports/broken.xml', text: '<testsuite' },
    ];
    const summary = await t.run();
    expect(byId(summary, 'test')).toMatchObject({
      status: 'succeeded',
      report: { tests: 2, passed: 1, failed: 1 },
    });
    expect(t.rec.warnings()).toHaveLength(1);
    expect(t.rec.warnings()[0]).toMatch(/^test report skipped: reports\/broken.xml: /);
  });

  it('collects artifacts, and fails a succeeded attempt whose artifacts cannot be kept', async () => {
    const ok = setup(testPlan([planTask('build', { artifacts: ['dist/app.js'] })]));
    expect(byId(await ok.run(), 'build').artifacts).toEqual([{ path: 'dist/app.js', size: 3 }]);

    const refused = setup(testPlan([planTask('build', { artifacts: ['../etc/passwd'] })]));
    refused.workspace.artifactError = 'artifact path ../etc/passwd leaves the workspace';
    expect(byId(await refused.run(), 'build')).toMatchObject({
      status: 'failed',
      reason: 'artifact path ../etc/passwd leaves the workspace',
    });
  });

  it('leaves no timer behind', async () => {
    const t = setup(
      testPlan(
        [
          planTask('a', {
            timeoutMs: 5000,
            retries: { count: 1, backoffMs: 100, maxBackoffMs: 100 },
          }),
        ],
        {
          timeoutMs: 3_600_000,
        },
      ),
    );
    t.fake.script({ taskId: 'a', attempt: 1 }, { exitCode: 1 });
    const summary = await t.run();
    expect(summary.status).toBe('succeeded');
    expect(t.clock.pendingTimers).toBe(0);
  });
});

describe('runPlan with approval tasks', () => {
  const approvalPlan = (timeoutMs: number | null = null) =>
    testPlan([
      planTask('build'),
      planTask('approve', {
        needs: ['build'],
        steps: [],
        timeoutMs,
        results: ['approved_by', 'comment'],
        approval: { message: 'Ship it?', approvers: null },
      }),
      planTask('deploy', {
        needs: ['approve'],
        env: { APPROVER: '${{ tasks.approve.results.approved_by }}' },
      }),
    ]);

  it('asks the prompter, runs nothing for the approval, and passes who approved on', async () => {
    const asked: string[] = [];
    const t = setup(approvalPlan(), {
      approvals: {
        ask: (task) => {
          asked.push(`${task.id}: ${task.approval?.message ?? ''}`);
          return Promise.resolve({ decision: 'approve', by: 'ana', comment: 'fine' });
        },
      },
    });
    const summary = await t.run();
    expect(asked).toEqual(['approve: Ship it?']);
    expect(summary.status).toBe('succeeded');
    expect(byId(summary, 'approve')).toMatchObject({
      status: 'succeeded',
      attempts: 0,
      results: { approved_by: 'ana', comment: 'fine' },
    });
    expect(t.rec.statuses('approve')).toEqual(['ready', 'waiting', 'succeeded']);
    expect(t.fake.calls.map((c) => c.request.taskId)).toEqual(['build', 'deploy']);
    expect(t.fake.calls[1]?.request.env.APPROVER).toBe('ana');
  });

  it('fails the approval with who rejected it and why, and skips what needs it', async () => {
    const t = setup(approvalPlan(), {
      approvals: {
        ask: () => Promise.resolve({ decision: 'reject', by: 'bo', comment: 'not today' }),
      },
    });
    const summary = await t.run();
    expect(summary.status).toBe('failed');
    expect(byId(summary, 'approve')).toMatchObject({
      status: 'failed',
      reason: 'rejected by bo: not today',
    });
    expect(byId(summary, 'deploy').status).toBe('skipped');
  });

  it('withdraws the question when the approval times out or the run is cancelled', async () => {
    const withdrawn: string[] = [];
    const never: ApprovalPrompter = {
      ask: (task, signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            withdrawn.push(task.id);
            resolve({ decision: 'approve', by: 'late', comment: null });
          });
        }),
    };
    const timedOut = setup(approvalPlan(60_000), { approvals: never });
    const summary = await timedOut.run();
    expect(byId(summary, 'approve')).toMatchObject({
      status: 'failed',
      reason: 'approval timed out: no decision within 1m',
    });
    expect(withdrawn).toEqual(['approve']);

    const cancelled = setup(approvalPlan(), { approvals: never });
    const running = cancelled.start();
    await cancelled.clock.runUntilSettled(Promise.resolve());
    for (let i = 0; i < 50 && withdrawn.length < 2; i++) {
      if (cancelled.rec.statuses('approve').includes('waiting')) cancelled.controls.cancel();
      await cancelled.clock.advance(10);
    }
    const result = await cancelled.clock.runUntilSettled(running);
    expect(result.status).toBe('cancelled');
    expect(byId(result, 'approve').status).toBe('cancelled');
    expect(withdrawn).toEqual(['approve', 'approve']);
  });
});
