import { access, mkdir, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  OutputStream,
  StepEnd,
  type Executor,
  type StepOutcome,
  type StepOutput,
  type StepRequest,
} from '@slipway/core';

/** What an implementation hands to {@link describeExecutorContract}. */
export interface ExecutorContractSetup {
  readonly executor: Executor;
  /**
   * Image every request carries; set it for container executors (also together with
   * `skipReason`, so the suite knows it is a container suite). Requests then mount the
   * test's temporary workspace at the same path.
   */
  readonly image?: string;
  /**
   * Why the executor cannot be tested here (for example no container engine). The
   * suite is then skipped and the reason printed, except that it fails instead when the
   * environment variable named by `demandedBy` is `1`.
   */
  readonly skipReason?: string;
  /** The variable that demands this suite run (`SLIPWAY_TEST_CONTAINERS`, say). */
  readonly demandedBy?: string;
}

const STANDARD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Declares the tests every {@link Executor} must pass, with real processes (or
 * containers) and temporary folders. `setup` runs once while tests are collected.
 */
export function describeExecutorContract(
  name: string,
  setup: () => Promise<ExecutorContractSetup>,
): void {
  describe(`${name} executor contract`, async () => {
    const context = await setup();
    const reason = context.skipReason;
    if (reason !== undefined) {
      const demandedBy = context.demandedBy;
      if (demandedBy !== undefined && process.env[demandedBy] === '1') {
        it(`can be tested, as ${demandedBy}=1 demands`, () => {
          throw new Error(`the ${name} executor cannot be tested: ${reason}`);
        });
        return;
      }
      console.warn(`Skipping the ${name} executor contract: ${reason}`);
      describe.skip(`skipped: ${reason}`, () => {
        declareContract(context);
      });
      return;
    }
    declareContract(context);
  });
}

/** Collects a step's output as it arrives. */
class RecordedOutput implements StepOutput {
  private readonly chunks: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  private readonly listeners = new Set<() => void>();

  write(stream: OutputStream, chunk: Uint8Array): void {
    this.chunks[stream].push(Buffer.from(chunk));
    for (const listener of this.listeners) listener();
  }

  text(stream: OutputStream): string {
    return Buffer.concat(this.chunks[stream]).toString('utf8');
  }

  /** Resolves once `stream` contains `expected`. */
  async waitFor(stream: OutputStream, expected: string, timeoutMs = 20_000): Promise<void> {
    if (this.text(stream).includes(expected)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`${stream} did not show ${JSON.stringify(expected)} in ${timeoutMs} ms`));
      }, timeoutMs);
      const check = (): void => {
        if (!this.text(stream).includes(expected)) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }
}

interface RunningStep {
  readonly outcome: Promise<StepOutcome>;
  readonly output: RecordedOutput;
  readonly cancel: AbortController;
  readonly kill: AbortController;
}

function declareContract(context: ExecutorContractSetup): void {
  const { executor, image } = context;
  let workspace = '';
  const started: RunningStep[] = [];

  beforeEach(async () => {
    workspace = await realpath(await mkdtemp(join(tmpdir(), 'slipway-contract-')));
  });

  afterEach(async () => {
    for (const step of started.splice(0)) {
      step.kill.abort();
      await step.outcome.catch(() => undefined);
    }
    await rm(workspace, { recursive: true, force: true });
  });

  function request(script: string, overrides: Partial<StepRequest> = {}): StepRequest {
    return {
      taskId: 'contract-task',
      attempt: 1,
      stepIndex: 0,
      stepName: 'contract step',
      script,
      shell: ['sh', '-c'],
      env: { PATH: STANDARD_PATH },
      workingDirectory: workspace,
      mounts: [workspace],
      image,
      killGraceMs: 300,
      ...overrides,
    };
  }

  function start(script: string, overrides: Partial<StepRequest> = {}): RunningStep {
    const output = new RecordedOutput();
    const cancel = new AbortController();
    const kill = new AbortController();
    const outcome = executor.runStep(request(script, overrides), output, {
      cancel: cancel.signal,
      kill: kill.signal,
    });
    const step = { outcome, output, cancel, kill };
    started.push(step);
    return step;
  }

  async function exists(fileName: string): Promise<boolean> {
    return access(join(workspace, fileName)).then(
      () => true,
      () => false,
    );
  }

  it('reports exit code 0 when the script succeeds', async () => {
    const outcome = await start('exit 0').outcome;
    expect(outcome.end).toBe(StepEnd.Exited);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a failing script as exited with its exit code', async () => {
    const outcome = await start('echo failing; exit 3').outcome;
    expect(outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 3 });
  });

  it('delivers stdout lines in the order they were written', async () => {
    const step = start('i=1; while [ $i -le 500 ]; do echo "line $i"; i=$((i+1)); done');
    await step.outcome;
    const expected = Array.from({ length: 500 }, (_, i) => `line ${i + 1}\n`).join('');
    expect(step.output.text(OutputStream.Stdout)).toBe(expected);
  });

  it('captures stdout and stderr apart', async () => {
    const step = start('echo to-out; echo to-err >&2; echo more-out');
    await step.outcome;
    expect(step.output.text(OutputStream.Stdout)).toBe('to-out\nmore-out\n');
    expect(step.output.text(OutputStream.Stderr)).toBe('to-err\n');
  });

  it('passes exactly the request env, nothing from the parent environment', async () => {
    const previous = process.env.SLIPWAY_CONTRACT_PARENT_ONLY;
    process.env.SLIPWAY_CONTRACT_PARENT_ONLY = 'leaked';
    try {
      const step = start(
        'echo "given=$GIVEN_VALUE"; echo "parent=${SLIPWAY_CONTRACT_PARENT_ONLY:-absent}"',
        { env: { PATH: STANDARD_PATH, GIVEN_VALUE: 'two words' } },
      );
      expect(await step.outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 0 });
      expect(step.output.text(OutputStream.Stdout)).toBe('given=two words\nparent=absent\n');
    } finally {
      if (previous === undefined) delete process.env.SLIPWAY_CONTRACT_PARENT_ONLY;
      else process.env.SLIPWAY_CONTRACT_PARENT_ONLY = previous;
    }
  });

  it('starts the script in the working directory', async () => {
    const directory = join(workspace, 'sub dir');
    await mkdir(directory);
    const step = start('pwd; echo made > made.txt', { workingDirectory: directory });
    expect(await step.outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 0 });
    expect(step.output.text(OutputStream.Stdout)).toBe(`${directory}\n`);
    expect(await readFile(join(directory, 'made.txt'), 'utf8')).toBe('made\n');
  });

  it('never runs shell syntax found in env values', async () => {
    const value = '$(touch injected-dollar) `touch injected-backtick`; touch injected-semicolon';
    const step = start('echo "$VALUE"', { env: { PATH: STANDARD_PATH, VALUE: value } });
    expect(await step.outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 0 });
    expect(step.output.text(OutputStream.Stdout)).toBe(`${value}\n`);
    for (const marker of ['injected-dollar', 'injected-backtick', 'injected-semicolon']) {
      expect(await exists(marker), marker).toBe(false);
    }
  });

  it('ends a step at its timeout, together with the processes it started', async () => {
    // The background child ignores SIGTERM, so only the kill after the grace period
    // stops it before it writes its marker.
    const step = start('(trap "" TERM; sleep 3; touch late-marker) & sleep 30', {
      timeoutMs: 300,
      killGraceMs: 300,
    });
    const outcome = await step.outcome;
    expect(outcome).toMatchObject({ end: StepEnd.TimedOut, exitCode: null });
    expect(outcome.durationMs).toBeLessThan(10_000);
    await delay(3500);
    expect(await exists('late-marker')).toBe(false);
  });

  it('stops background processes a script leaves behind when it exits', async () => {
    const step = start('(sleep 2; touch late-marker) & echo started');
    expect(await step.outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 0 });
    await delay(2500);
    expect(await exists('late-marker')).toBe(false);
  });

  it('cancel stops a step and the processes it started', async () => {
    const step = start('(trap "" TERM; sleep 3; touch late-marker) & echo ready; sleep 30');
    await step.output.waitFor(OutputStream.Stdout, 'ready');
    step.cancel.abort();
    const outcome = await step.outcome;
    expect(outcome).toMatchObject({ end: StepEnd.Cancelled, exitCode: null });
    await delay(3500);
    expect(await exists('late-marker')).toBe(false);
  });

  it('kill stops a step at once, without waiting for the grace period', async () => {
    const step = start('trap "" TERM; echo ready; sleep 30', { killGraceMs: 20_000 });
    await step.output.waitFor(OutputStream.Stdout, 'ready');
    const killedAt = performance.now();
    step.kill.abort();
    const outcome = await step.outcome;
    expect(outcome).toMatchObject({ end: StepEnd.Cancelled, exitCode: null });
    expect(performance.now() - killedAt).toBeLessThan(5000);
  });

  it('does not run a step whose cancel was requested before it started', async () => {
    const output = new RecordedOutput();
    const cancel = new AbortController();
    cancel.abort();
    const outcome = await executor.runStep(request('touch ran-marker'), output, {
      cancel: cancel.signal,
      kill: new AbortController().signal,
    });
    expect(outcome).toMatchObject({ end: StepEnd.Cancelled, exitCode: null });
    expect(await exists('ran-marker')).toBe(false);
  });

  it('delivers a large output complete', { timeout: 60_000 }, async () => {
    const line = '0123456789abcdefghijklmnopqrstuvwxyz';
    const lines = 100_000;
    const step = start(`yes ${line} | head -n ${lines}; echo done >&2`);
    expect(await step.outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 0 });
    const stdout = step.output.text(OutputStream.Stdout);
    expect(stdout.length).toBe((line.length + 1) * lines);
    expect(stdout === `${line}\n`.repeat(lines)).toBe(true);
    expect(step.output.text(OutputStream.Stderr)).toBe('done\n');
  });

  it('keeps the output of concurrent steps apart', async () => {
    const values = ['first', 'second', 'third'];
    const steps = values.map((value) =>
      start('i=0; while [ $i -lt 50 ]; do echo "$VALUE"; i=$((i+1)); done', {
        env: { PATH: STANDARD_PATH, VALUE: value },
      }),
    );
    await Promise.all(steps.map((step) => step.outcome));
    steps.forEach((step, index) => {
      expect(step.output.text(OutputStream.Stdout)).toBe(`${values[index] ?? ''}\n`.repeat(50));
    });
  });

  it('reports start_failed, naming the shell, when the shell does not exist', async () => {
    const step = start('echo unreachable', { shell: ['/nonexistent/slipway-shell', '-c'] });
    const outcome = await step.outcome;
    expect(outcome.end).toBe(StepEnd.StartFailed);
    expect(outcome.exitCode).toBeNull();
    expect(outcome.error).toContain('/nonexistent/slipway-shell');
    expect(step.output.text(OutputStream.Stdout)).toBe('');
  });
}
