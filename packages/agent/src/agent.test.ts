import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MASK,
  systemClock,
  type LeaseAnswer,
  type PlanTask,
  type StepRequest,
} from '@slipway/core';
import { ProcessExecutor } from '@slipway/executors';
import { planSteps, planTask } from '@slipway/testing';
import { Agent, type AgentOptions } from './agent.js';
import { commitAll, initRepository } from './testing/git-repository.js';
import {
  AgentRequestError,
  MAX_LOG_REQUEST_BYTES,
  type AgentConnection,
  type AssignedAttempt,
  type ClaimRequest,
  type FinishRequest,
  type HeartbeatRequest,
  type LogsRequest,
  type RegisterRequest,
} from './agent-connection.js';

type Call =
  | { type: 'register'; request: RegisterRequest }
  | { type: 'claim'; request: ClaimRequest }
  | { type: 'heartbeat'; request: HeartbeatRequest }
  | { type: 'logs'; request: LogsRequest; bytes: number }
  | { type: 'finish'; request: FinishRequest };
type Recorded = Call & { failed: boolean };

/**
 * A control plane stand-in: hands out scripted attempts, answers heartbeats as told,
 * records every call, and fails the next calls of a kind on request.
 */
class FakeConnection implements AgentConnection {
  readonly calls: Recorded[] = [];
  private readonly work: AssignedAttempt[] = [];
  private readonly answers = new Map<string, LeaseAnswer>();
  private readonly failures = new Map<Call['type'], number>();
  private readonly waiters: (() => void)[] = [];
  private wakeClaim: (() => void) | undefined;
  private handedOut = 0;
  private finished = 0;
  /** Answers of finish calls held back, while finishes are held. */
  private heldFinishes: (() => void)[] | undefined;
  /** Answers of log calls held back, while logs are held. */
  private heldLogs: (() => void)[] | undefined;
  maxActive = 0;

  /** Attempts handed out by claims so far. */
  get claimed(): number {
    return this.handedOut;
  }

  /** Finish calls wait for {@link releaseFinishes} from now on. */
  holdFinishes(): void {
    this.heldFinishes = [];
  }

  releaseFinishes(): void {
    const held = this.heldFinishes ?? [];
    this.heldFinishes = undefined;
    for (const answer of held) answer();
  }

  /** Log calls wait for {@link releaseLogs} from now on. */
  holdLogs(): void {
    this.heldLogs = [];
  }

  releaseLogs(): void {
    const held = this.heldLogs ?? [];
    this.heldLogs = undefined;
    for (const answer of held) answer();
  }

  offer(...attempts: AssignedAttempt[]): void {
    this.work.push(...attempts);
    this.wakeClaim?.();
  }

  answer(attemptId: string, answer: LeaseAnswer): void {
    this.answers.set(attemptId, answer);
  }

  failNext(type: Call['type'], times: number): void {
    this.failures.set(type, times);
  }

  register(request: RegisterRequest): Promise<{ agentId: string }> {
    this.record({ type: 'register', request });
    return Promise.resolve({ agentId: 'agent-1' });
  }

  async claim(
    request: ClaimRequest,
    signal?: AbortSignal,
  ): Promise<{ attempts: AssignedAttempt[] }> {
    this.record({ type: 'claim', request });
    if (this.work.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, request.waitMs);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        this.wakeClaim = done;
        signal?.addEventListener('abort', done, { once: true });
      });
      this.wakeClaim = undefined;
    }
    if (signal?.aborted) throw new AgentRequestError('claim: abandoned', true);
    const attempts = this.work.splice(0, request.free);
    this.handedOut += attempts.length;
    this.maxActive = Math.max(this.maxActive, this.handedOut - this.finished);
    return { attempts };
  }

  heartbeat(request: HeartbeatRequest): Promise<{ answers: Record<string, LeaseAnswer> }> {
    this.record({ type: 'heartbeat', request });
    const answers: Record<string, LeaseAnswer> = {};
    for (const id of request.attemptIds) answers[id] = this.answers.get(id) ?? { status: 'ok' };
    return Promise.resolve({ answers });
  }

  async sendLogs(request: LogsRequest): Promise<void> {
    const bytes = Buffer.byteLength(JSON.stringify(request));
    this.record({ type: 'logs', request, bytes });
    const held = this.heldLogs;
    if (held) await new Promise<void>((resolve) => held.push(resolve));
  }

  async finish(
    request: FinishRequest,
  ): Promise<{ accepted: boolean; attempts: AssignedAttempt[] }> {
    this.record({ type: 'finish', request });
    const held = this.heldFinishes;
    if (held) await new Promise<void>((resolve) => held.push(resolve));
    this.finished++;
    const attempts = this.work.splice(0, request.claim?.free ?? 0);
    this.handedOut += attempts.length;
    this.maxActive = Math.max(this.maxActive, this.handedOut - this.finished);
    return { accepted: true, attempts };
  }

  sendReport(): Promise<{ accepted: boolean }> {
    return Promise.resolve({ accepted: true });
  }

  uploadArtifact(): Promise<void> {
    return Promise.resolve();
  }

  /** Finish calls that succeeded. */
  finishes(): FinishRequest[] {
    return this.calls.flatMap((c) => (c.type === 'finish' && !c.failed ? [c.request] : []));
  }

  /** Log chunks of an attempt in the order they arrived. */
  chunks(attemptId: string) {
    return this.calls
      .flatMap((c) => (c.type === 'logs' && !c.failed ? c.request.chunks : []))
      .filter((c) => c.attemptId === attemptId);
  }

  text(attemptId: string, step?: number, stream?: 'stdout' | 'stderr'): string {
    return this.chunks(attemptId)
      .filter((c) => (step === undefined || c.step === step) && (!stream || c.stream === stream))
      .map((c) => c.text)
      .join('');
  }

  /** Resolves when `check` holds after some call. */
  async until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the agent');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
  }

  private record(call: Call): void {
    const left = this.failures.get(call.type) ?? 0;
    this.calls.push({ ...call, failed: left > 0 });
    for (const resolve of this.waiters.splice(0)) resolve();
    if (left > 0) {
      this.failures.set(call.type, left - 1);
      throw new AgentRequestError(`${call.type}: cannot reach the server: ECONNREFUSED`, true);
    }
  }
}

/** True while a process of the group has not ended (zombies have ended). */
async function groupExists(pgid: number): Promise<boolean> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[2] === String(pgid) && fields[0] !== 'Z') return true;
  }
  return false;
}

describe('Agent', () => {
  let temp = '';
  let repo = '';
  let first = '';
  let connection: FakeConnection;
  let agent: Agent | undefined;
  let pids: number[];
  let nextId = 1;

  beforeEach(async () => {
    temp = await realpath(await mkdtemp(join(tmpdir(), 'slipway-agent-')));
    repo = join(temp, 'repo');
    initRepository(repo);
    await writeFile(join(repo, 'README.md'), 'first version\n');
    first = commitAll(repo, 'first');
    await writeFile(join(repo, 'README.md'), 'second version\n');
    commitAll(repo, 'second');
    connection = new FakeConnection();
    pids = [];
  });

  afterEach(async () => {
    await agent?.stop({ graceMs: 0 });
    agent = undefined;
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await rm(temp, { recursive: true, force: true });
  });

  function attempt(task: PlanTask, extra: Partial<AssignedAttempt> = {}): AssignedAttempt {
    const n = nextId++;
    return {
      attemptId: `attempt-${n}`,
      runId: `run-${n}`,
      taskId: task.id,
      attempt: 1,
      task,
      run: { pipeline: 'ci', params: {}, trigger: { event: 'manual' } },
      project: { source: repo, commit: first },
      leaseMs: 30_000,
      secrets: {},
      ...extra,
    };
  }

  async function startAgent(options: Partial<AgentOptions> = {}): Promise<Agent> {
    agent = new Agent({
      connection,
      name: 'test-agent',
      labels: ['linux'],
      capacity: 2,
      workDir: join(temp, 'work'),
      executors: {
        process: new ProcessExecutor({
          onStarted: (_request: StepRequest, pid: number) => pids.push(pid),
        }),
      },
      clock: systemClock,
      heartbeatMs: 50,
      logFlushMs: 20,
      claimWaitMs: 200,
      killGraceMs: 2000,
      retry: { baseMs: 10, maxMs: 50 },
      baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      ...options,
    });
    await agent.start();
    return agent;
  }

  it('runs a claimed attempt at its commit and reports its logs, then its outcome', async () => {
    const work = attempt(
      planTask('build', {
        steps: planSteps(
          'cat README.md; echo to-stderr >&2',
          'echo second step; printf v1 > "$SLIPWAY_RESULTS/version"',
        ),
        results: ['version'],
      }),
    );
    connection.offer(work);
    await startAgent();
    await connection.until(() => connection.finishes().length === 1);

    expect(connection.finishes()[0]).toEqual({
      agentId: 'agent-1',
      attemptId: work.attemptId,
      outcome: 'succeeded',
      results: { version: 'v1' },
      error: null,
    });
    expect(connection.text(work.attemptId, 0, 'stdout')).toBe('first version\n');
    expect(connection.text(work.attemptId, 0, 'stderr')).toBe('to-stderr\n');
    expect(connection.text(work.attemptId, 1, 'stdout')).toBe('second step\n');
    const seqs = connection.chunks(work.attemptId).map((c) => c.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const lastLogs = connection.calls.findLastIndex((c) => c.type === 'logs');
    const finish = connection.calls.findIndex((c) => c.type === 'finish');
    expect(lastLogs).toBeLessThan(finish);
    expect(connection.calls[0]).toEqual({
      type: 'register',
      request: { name: 'test-agent', labels: ['linux'], capacity: 2 },
      failed: false,
    });
    await connection.until(() => agent?.activeAttempts === 0);
    await agent?.stop({ graceMs: 0 });
    expect(await readdir(join(temp, 'work', 'attempts'))).toEqual([]);
  });

  it('fails an attempt whose commit cannot be checked out, saying why', async () => {
    const work = attempt(planTask('build', { steps: planSteps('true') }), {
      project: { source: repo, commit: 'f'.repeat(40) },
    });
    connection.offer(work);
    await startAgent();
    await connection.until(() => connection.finishes().length === 1);
    const [finish] = connection.finishes();
    expect(finish?.outcome).toBe('failed');
    expect(finish?.error).toMatch(/cannot check out f{40}/);
  });

  it('runs no more attempts at once than its capacity', async () => {
    const marks = join(temp, 'marks');
    const script = `echo start >> "${marks}"; sleep 0.3; echo end >> "${marks}"`;
    const works = [1, 2, 3, 4, 5].map(() => attempt(planTask('t', { steps: planSteps(script) })));
    connection.offer(...works);
    await startAgent({ capacity: 2 });
    await connection.until(() => connection.finishes().length === 5);

    expect(connection.finishes().every((f) => f.outcome === 'succeeded')).toBe(true);
    expect(connection.maxActive).toBeLessThanOrEqual(4);
    const claims = connection.calls.flatMap((c) => (c.type === 'claim' ? [c.request] : []));
    expect(claims.every((c) => c.free >= 1 && c.free <= 2)).toBe(true);
    let running = 0;
    let most = 0;
    for (const line of execFileSync('cat', [marks], { encoding: 'utf8' }).trim().split('\n')) {
      running += line === 'start' ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(most).toBe(2);
  });

  it('claims the next attempt with the result of one whose output was all delivered', async () => {
    connection.holdFinishes();
    const works = [1, 2, 3].map(() => attempt(planTask('t', { steps: planSteps('true') })));
    connection.offer(...works);
    await startAgent({ capacity: 1, labels: ['linux'] });
    const callsOf = (type: Call['type']) => connection.calls.filter((c) => c.type === type);
    await connection.until(() => callsOf('finish').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connection.claimed).toBe(1);
    expect(callsOf('claim')).toHaveLength(1);

    connection.releaseFinishes();
    await connection.until(() => connection.finishes().length === 3);
    expect(connection.claimed).toBe(3);
    expect(connection.finishes().map((f) => f.claim)).toEqual([
      { labels: ['linux'], free: 1 },
      { labels: ['linux'], free: 1 },
      { labels: ['linux'], free: 1 },
    ]);
    expect(connection.maxActive).toBe(1);
  });

  it('claims the next attempt while output and a result are delivered, with at most capacity results waiting', async () => {
    connection.holdLogs();
    connection.holdFinishes();
    const works = [1, 2, 3].map(() => attempt(planTask('t', { steps: planSteps('echo out') })));
    connection.offer(...works);
    await startAgent({ capacity: 1 });
    await connection.until(() => connection.claimed === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connection.claimed).toBe(2);

    connection.releaseLogs();
    connection.releaseFinishes();
    await connection.until(() => connection.finishes().length === 3);
    expect(connection.claimed).toBe(3);
    expect(connection.finishes().every((f) => f.outcome === 'succeeded')).toBe(true);
    expect(
      connection
        .finishes()
        .slice(0, 2)
        .map((f) => f.claim),
    ).toEqual([undefined, undefined]);
  });

  it('cancels an attempt when a heartbeat answers stop, ending its process group', async () => {
    const work = attempt(planTask('deploy', { steps: planSteps('echo started; sleep 30 & wait') }));
    connection.offer(work);
    await startAgent();
    await connection.until(() => connection.text(work.attemptId).includes('started'));
    const [pid] = pids;
    expect(pid).toBeDefined();
    connection.answer(work.attemptId, { status: 'stop', mode: 'cancel' });
    await connection.until(() => connection.finishes().length === 1);

    expect(connection.finishes()[0]).toMatchObject({ outcome: 'cancelled' });
    expect(await groupExists(pid ?? 0)).toBe(false);
  });

  it('kills an attempt that is gone and sends no result for it', async () => {
    const work = attempt(planTask('deploy', { steps: planSteps('echo started; sleep 30 & wait') }));
    connection.offer(work);
    await startAgent();
    await connection.until(() => connection.text(work.attemptId).includes('started'));
    const [pid] = pids;
    connection.answer(work.attemptId, { status: 'gone' });
    await connection.until(() => agent?.activeAttempts === 0);

    expect(await groupExists(pid ?? 0)).toBe(false);
    expect(connection.finishes()).toEqual([]);
    const heartbeatsAfter = connection.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const later = connection.calls.slice(heartbeatsAfter);
    expect(
      later.some((c) => c.type === 'heartbeat' && c.request.attemptIds.includes(work.attemptId)),
    ).toBe(false);
  });

  it('delivers 5 MB of output complete and in order, over several requests within the limit', async () => {
    const lines = 800_000;
    const work = attempt(planTask('noisy', { steps: planSteps(`seq 1 ${lines}`) }));
    connection.offer(work);
    await startAgent();
    await connection.until(() => connection.finishes().length === 1, 60_000);

    const expected = Array.from({ length: lines }, (_, i) => `${i + 1}\n`).join('');
    expect(expected.length).toBeGreaterThan(5_000_000);
    expect(connection.text(work.attemptId, 0, 'stdout') === expected).toBe(true);
    const seqs = connection.chunks(work.attemptId).map((c) => c.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const requests = connection.calls.flatMap((c) => (c.type === 'logs' ? [c.bytes] : []));
    expect(Math.max(...requests)).toBeLessThanOrEqual(MAX_LOG_REQUEST_BYTES);
    expect(requests.length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('masks secrets in uploaded logs and results', async () => {
    const secret = 'hunter2-very-secret';
    const work = attempt(
      planTask('deploy', {
        steps: planSteps(
          'echo "token is $DEPLOY_TOKEN"',
          'printf "%s" "$DEPLOY_TOKEN" > "$SLIPWAY_RESULTS/echoed"',
        ),
        results: ['echoed'],
      }),
      { secrets: { DEPLOY_TOKEN: secret } },
    );
    connection.offer(work);
    await startAgent();
    await connection.until(() => connection.finishes().length === 1);

    const text = connection.text(work.attemptId);
    expect(text).toContain(`token is ${MASK}`);
    expect(text).not.toContain(secret);
    expect(connection.finishes()[0]?.results).toEqual({ echoed: MASK });
  });

  it('retries calls that fail on the network and still delivers everything', async () => {
    connection.failNext('register', 2);
    connection.failNext('claim', 2);
    connection.failNext('logs', 2);
    connection.failNext('heartbeat', 2);
    connection.failNext('finish', 2);
    const work = attempt(planTask('build', { steps: planSteps('echo one; sleep 0.2; echo two') }));
    connection.offer(work);
    const messages: string[] = [];
    await startAgent({ log: (m) => messages.push(m) });
    await connection.until(() => connection.finishes().length === 1);

    expect(connection.finishes()).toEqual([expect.objectContaining({ outcome: 'succeeded' })]);
    expect(connection.calls.filter((c) => c.failed)).toHaveLength(10);
    expect(connection.text(work.attemptId)).toBe('one\ntwo\n');
    expect(messages.some((m) => m.includes('ECONNREFUSED'))).toBe(true);
  });

  it('refuses to start when the control plane refuses the registration', async () => {
    const refusing: AgentConnection = {
      register: () =>
        Promise.reject(
          new AgentRequestError('register: the server refused the agent token', false, 401),
        ),
      claim: (r, s) => connection.claim(r, s),
      heartbeat: (r) => connection.heartbeat(r),
      sendLogs: (r) => connection.sendLogs(r),
      finish: (r) => connection.finish(r),
      sendReport: () => connection.sendReport(),
      uploadArtifact: () => connection.uploadArtifact(),
    };
    await expect(startAgent({ connection: refusing })).rejects.toThrow(/refused the agent token/);
  });

  it('lets a short step finish when stopped, and claims nothing more', async () => {
    const work = attempt(
      planTask('build', { steps: planSteps('echo started; sleep 0.5; echo done') }),
    );
    connection.offer(work);
    const running = await startAgent();
    await connection.until(() => connection.text(work.attemptId).includes('started'));
    const claimsBefore = connection.calls.filter((c) => c.type === 'claim').length;
    await running.stop({ graceMs: 10_000 });

    expect(connection.finishes()).toEqual([
      expect.objectContaining({ attemptId: work.attemptId, outcome: 'succeeded' }),
    ]);
    expect(connection.text(work.attemptId)).toBe('started\ndone\n');
    expect(connection.calls.filter((c) => c.type === 'claim').length).toBe(claimsBefore);
  });

  it('kills steps still running when the grace period ends and leaves them to lease expiry', async () => {
    const work = attempt(planTask('build', { steps: planSteps('echo started; sleep 30 & wait') }));
    connection.offer(work);
    const running = await startAgent();
    await connection.until(() => connection.text(work.attemptId).includes('started'));
    const [pid] = pids;
    await running.stop({ graceMs: 100 });

    expect(await groupExists(pid ?? 0)).toBe(false);
    expect(connection.finishes()).toEqual([]);
  });
});
