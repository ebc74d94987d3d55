import type { StepOutput, StepRequest } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';
import { FakeExecutor } from './fake-executor.js';

function request(
  taskId: string,
  stepIndex = 0,
  attempt = 1,
  extra: Partial<StepRequest> = {},
): StepRequest {
  return {
    taskId,
    attempt,
    stepIndex,
    stepName: `step ${stepIndex}`,
    script: 'true',
    shell: ['sh', '-c'],
    env: {},
    workingDirectory: '/work',
    mounts: [],
    killGraceMs: 100,
    ...extra,
  };
}

function controls() {
  const cancel = new AbortController();
  const kill = new AbortController();
  return { cancel, kill, signals: { cancel: cancel.signal, kill: kill.signal } };
}

function collect() {
  const chunks: { stream: string; bytes: number[] }[] = [];
  const output: StepOutput = {
    write: (stream, chunk) => {
      chunks.push({ stream, bytes: [...chunk] });
    },
  };
  return { output, chunks };
}

describe('FakeExecutor', () => {
  it('does what the most recent matching script says', async () => {
    const fake = new FakeExecutor()
      .script('build', { exitCode: 2 })
      .script({ taskId: 'build', attempt: 2 }, { exitCode: 0, output: ['ok\n'] })
      .script({ taskId: 'build', stepIndex: 1 }, { startFailed: 'no shell' });
    const { output, chunks } = collect();
    const c = controls();
    expect(await fake.runStep(request('build'), output, c.signals)).toMatchObject({
      end: 'exited',
      exitCode: 2,
    });
    expect(await fake.runStep(request('build', 0, 2), output, c.signals)).toMatchObject({
      end: 'exited',
      exitCode: 0,
    });
    expect(await fake.runStep(request('build', 1, 2), output, c.signals)).toMatchObject({
      end: 'start_failed',
      error: 'no shell',
    });
    expect(chunks).toEqual([{ stream: 'stdout', bytes: [...Buffer.from('ok\n')] }]);
    expect(fake.calls.map((call) => call.outcome?.end)).toEqual([
      'exited',
      'exited',
      'start_failed',
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('writes byte chunks as given, to the stream given', async () => {
    const euro = Buffer.from('€');
    const fake = new FakeExecutor().script('t', {
      output: [
        { stream: 'stderr', data: euro.subarray(0, 1) },
        { stream: 'stderr', data: euro.subarray(1) },
      ],
    });
    const { output, chunks } = collect();
    await fake.runStep(request('t'), output, controls().signals);
    expect(chunks).toEqual([
      { stream: 'stderr', bytes: [euro[0]] },
      { stream: 'stderr', bytes: [...euro.subarray(1)] },
    ]);
  });

  it('waits on its clock, times out, and hangs until stopped', async () => {
    const clock = new FakeClock();
    const fake = new FakeExecutor({ clock })
      .script('slow', { durationMs: 5000, exitCode: 3 })
      .script('limited', { durationMs: 5000 })
      .script('stuck', { hang: true });
    const c = controls();
    const slow = fake.runStep(request('slow'), collect().output, c.signals);
    const limited = fake.runStep(
      request('limited', 0, 1, { timeoutMs: 1000 }),
      collect().output,
      c.signals,
    );
    const stuckControls = controls();
    const stuck = fake.runStep(request('stuck'), collect().output, stuckControls.signals);
    await clock.advance(1000);
    expect(await limited).toEqual({ end: 'timed_out', exitCode: null, durationMs: 1000 });
    await clock.advance(4000);
    expect(await slow).toEqual({ end: 'exited', exitCode: 3, durationMs: 5000 });
    expect(fake.running).toBe(1);
    stuckControls.cancel.abort();
    expect(await stuck).toEqual({ end: 'cancelled', exitCode: null, durationMs: 5000 });
    expect(fake.maxConcurrent).toBe(3);
    expect(fake.calls.map((call) => [call.request.taskId, call.startedAt, call.endedAt])).toEqual([
      ['slow', clock.now() - 5000, clock.now()],
      ['limited', clock.now() - 5000, clock.now() - 4000],
      ['stuck', clock.now() - 5000, clock.now()],
    ]);
  });

  it('runs effects before the step ends and rejects when told to', async () => {
    const seen: string[] = [];
    const fake = new FakeExecutor()
      .script('a', { effect: (r) => void seen.push(r.env.X ?? '') })
      .script('b', { throws: new Error('no engine') });
    await fake.runStep(
      request('a', 0, 1, { env: { X: 'x' } }),
      collect().output,
      controls().signals,
    );
    expect(seen).toEqual(['x']);
    await expect(fake.runStep(request('b'), collect().output, controls().signals)).rejects.toThrow(
      'no engine',
    );
  });

  it('records broken call-order rules', async () => {
    const fake = new FakeExecutor().script('hang', { hang: true });
    const { output } = collect();
    await fake.runStep(request('a', 1), output, controls().signals);
    await fake.runStep(request('b', 0, 2), output, controls().signals);
    await fake.runStep(request('b', 0, 1), output, controls().signals);
    const c = controls();
    const first = fake.runStep(request('hang', 0), output, c.signals);
    const second = fake.runStep(request('hang', 1), output, c.signals);
    c.kill.abort();
    await Promise.all([first, second]);
    await fake.runStep(request('c', 0, 1, { workingDirectory: 'relative' }), output, c.signals);
    expect(fake.violations).toEqual([
      'step 1 of a attempt 1 started out of order (expected step 0)',
      'step 0 of b attempt 1 started after attempt 2',
      'step 1 of hang attempt 1 started while another step of hang was running',
      'step 0 of c attempt 1 started after a step was killed',
      'step 0 of c attempt 1 started with a stop already requested',
      'step 0 of c attempt 1 has a relative working directory',
    ]);
  });
});
