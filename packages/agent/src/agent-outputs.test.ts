import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type LeaseAnswer, type PlanTask, type TestReport } from '@slipway/core';
import { ProcessExecutor } from '@slipway/executors';
import { planSteps, planTask } from '@slipway/testing';
import { Agent } from './agent.js';
import { commitAll, initRepository } from './testing/git-repository.js';
import {
  AgentRequestError,
  type AgentConnection,
  type ArtifactUploadRequest,
  type AssignedAttempt,
  type ClaimRequest,
  type FinishRequest,
  type LogsRequest,
} from './agent-connection.js';

type Seen =
  | { type: 'report'; report: TestReport }
  | { type: 'artifact'; path: string; size: number; content: string }
  | { type: 'finish'; request: FinishRequest };

/** A control plane stand-in that hands out one attempt and records what comes back. */
class OutputsConnection implements AgentConnection {
  readonly seen: Seen[] = [];
  readonly logs: string[] = [];
  /** Answers for upload calls, in order; an empty list accepts. */
  readonly uploadErrors: AgentRequestError[] = [];
  private work: AssignedAttempt[] = [];

  constructor(work: AssignedAttempt) {
    this.work = [work];
  }

  register() {
    return Promise.resolve({ agentId: 'agent-1' });
  }

  async claim(request: ClaimRequest, signal?: AbortSignal) {
    const attempts = this.work.splice(0);
    if (attempts.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, request.waitMs);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return { attempts };
  }

  heartbeat(request: { attemptIds: readonly string[] }) {
    const answers: Record<string, LeaseAnswer> = {};
    for (const id of request.attemptIds) answers[id] = { status: 'ok' };
    return Promise.resolve({ answers });
  }

  sendLogs(request: LogsRequest) {
    for (const chunk of request.chunks) this.logs.push(chunk.text);
    return Promise.resolve();
  }

  finish(request: FinishRequest) {
    this.seen.push({ type: 'finish', request });
    return Promise.resolve({ accepted: true, attempts: [] });
  }

  sendReport(request: { report: TestReport }) {
    this.seen.push({ type: 'report', report: request.report });
    return Promise.resolve({ accepted: true });
  }

  async uploadArtifact(request: ArtifactUploadRequest) {
    const error = this.uploadErrors.shift();
    if (error) throw error;
    const content = await readFile(request.file, 'utf8');
    this.seen.push({ type: 'artifact', path: request.path, size: request.size, content });
  }

  finished(): FinishRequest | undefined {
    for (const s of this.seen) if (s.type === 'finish') return s.request;
    return undefined;
  }

  async until(check: () => boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the agent');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const JUNIT = `<testsuite name="unit"><testcase classname="c" name="ok"/><testcase classname="c" name="bad"><failure message="token hunter2 refused">stack</failure></testcase></testsuite>`;

/** The expansion `test[os=linux]`, which reports JUnit files and keeps `dist/**`. */
function outputsTask(runs: string[], extra: Partial<PlanTask> = {}): PlanTask {
  return planTask('test[os=linux]', {
    name: 'test',
    matrix: { os: 'linux' },
    steps: planSteps(...runs),
    reports: ['reports/*.xml'],
    artifacts: ['dist/**'],
    ...extra,
  });
}

describe('Agent outputs', () => {
  let temp = '';
  let repo = '';
  let commit = '';
  let agent: Agent | undefined;

  beforeEach(async () => {
    temp = await realpath(await mkdtemp(join(tmpdir(), 'slipway-agent-outputs-')));
    repo = join(temp, 'repo');
    initRepository(repo);
    await writeFile(join(repo, 'README.md'), 'hello\n');
    commit = commitAll(repo, 'first');
    await writeFile(join(temp, 'secret.txt'), 'outside the checkout\n');
  });

  afterEach(async () => {
    await agent?.stop({ graceMs: 0 });
    agent = undefined;
    await rm(temp, { recursive: true, force: true });
  });

  async function run(task: PlanTask, prepare?: (c: OutputsConnection) => void) {
    const work: AssignedAttempt = {
      attemptId: 'attempt-1',
      runId: 'run-1',
      taskId: task.id,
      attempt: 1,
      task,
      run: { pipeline: 'ci', params: {}, trigger: { event: 'manual' } },
      project: { source: repo, commit },
      leaseMs: 30_000,
      secrets: { TOKEN: 'hunter2' },
    };
    const connection = new OutputsConnection(work);
    prepare?.(connection);
    agent = new Agent({
      connection,
      name: 'test-agent',
      labels: [],
      capacity: 1,
      workDir: join(temp, 'work'),
      executors: { process: new ProcessExecutor() },
      clock: systemClock,
      heartbeatMs: 50,
      logFlushMs: 20,
      claimWaitMs: 200,
      retry: { baseMs: 10, maxMs: 50 },
      baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    await agent.start();
    await connection.until(() => connection.finished() !== undefined);
    return connection;
  }

  it('sends the parsed report and each artifact before finishing, also when tests failed', async () => {
    const connection = await run(
      outputsTask([
        `mkdir -p reports dist/sub && printf '%s' '${JUNIT}' > reports/unit.xml`,
        'printf app > dist/app.txt && printf deep > dist/sub/b.txt && exit 1',
      ]),
    );
    expect(connection.seen.map((s) => (s.type === 'artifact' ? s.path : s.type))).toEqual([
      'report',
      'dist/app.txt',
      'dist/sub/b.txt',
      'finish',
    ]);
    const [report] = connection.seen;
    if (report?.type !== 'report') throw new Error('no report');
    expect(report.report.totals).toMatchObject({ tests: 2, passed: 1, failed: 1 });
    expect(report.report.suites[0]?.cases[1]).toMatchObject({
      name: 'bad',
      status: 'failed',
      message: 'token *** refused',
    });
    expect(connection.seen[1]).toEqual({
      type: 'artifact',
      path: 'dist/app.txt',
      size: 3,
      content: 'app',
    });
    expect(connection.finished()).toMatchObject({ outcome: 'failed' });
  });

  it('refuses an artifact that is a link out of the checkout, failing the attempt', async () => {
    const connection = await run(
      outputsTask([`mkdir -p dist && ln -s ${join(temp, 'secret.txt')} dist/secret.txt`], {
        reports: [],
      }),
    );
    expect(connection.seen.filter((s) => s.type === 'artifact')).toEqual([]);
    expect(connection.finished()).toMatchObject({ outcome: 'failed' });
    expect(connection.finished()?.error).toMatch(/is a link to .*outside the workspace/);
  });

  it('retries uploads that fail on the network', async () => {
    const connection = await run(
      outputsTask(['mkdir -p dist && printf x > dist/x'], { reports: [] }),
      (c) => {
        c.uploadErrors.push(
          new AgentRequestError('artifact: cannot reach the server: ECONNREFUSED', true),
          new AgentRequestError('artifact: the server answered 503', true, 503),
        );
      },
    );
    expect(connection.seen.map((s) => s.type)).toEqual(['artifact', 'finish']);
    expect(connection.finished()).toMatchObject({ outcome: 'succeeded' });
  });

  it('fails a succeeded attempt whose artifact the control plane refuses', async () => {
    const connection = await run(
      outputsTask(['mkdir -p dist && printf x > dist/big'], { reports: [] }),
      (c) => {
        c.uploadErrors.push(
          new AgentRequestError(
            'artifact: the server answered 413: dist/big is 1 bytes; artifacts of at most 0 bytes are kept',
            false,
            413,
          ),
        );
      },
    );
    expect(connection.finished()).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('artifact dist/big was refused: ') as string,
    });
  });

  it('stops sending once the attempt is no longer the agent’s, and still reports the end', async () => {
    const connection = await run(
      outputsTask(['mkdir -p dist && printf a > dist/a && printf b > dist/b'], { reports: [] }),
      (c) => {
        c.uploadErrors.push(new AgentRequestError('artifact: the server answered 409', false, 409));
      },
    );
    expect(connection.seen.map((s) => s.type)).toEqual(['finish']);
    expect(connection.finished()).toMatchObject({ outcome: 'succeeded' });
  });
});
