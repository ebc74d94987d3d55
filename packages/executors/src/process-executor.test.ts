import { chmod, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StepEnd, type StepOutput, type StepRequest } from '@slipway/core';
import { describeExecutorContract } from '@slipway/testing';
import { builtStepSpawner, stepSpawnerSkipReason } from './built-step-spawner.test-support.js';
import { NativeProcessSpawner } from './native-process-spawner.js';
import { ProcessExecutor, type OutputFlow } from './process-executor.js';
import { spawnHere, type ProcessSpawner } from './process-spawner.js';

describeExecutorContract('process', () => Promise.resolve({ executor: new ProcessExecutor() }));

describe('ProcessExecutor spawning from this process', () => {
  describeProcessExecutor(spawnHere);
});

describe('ProcessExecutor with the step spawner', () => {
  if (stepSpawnerSkipReason() !== undefined) return;
  const spawner = new NativeProcessSpawner(builtStepSpawner);
  afterAll(() => spawner.close());
  describeProcessExecutor(spawner);
});

function describeProcessExecutor(spawner: ProcessSpawner): void {
  const started: { flow?: OutputFlow | undefined } = {};
  const executor = new ProcessExecutor({
    spawner,
    onStarted: (_request, _pid, output) => {
      started.flow = output;
    },
  });
  const discard: StepOutput = { write: () => undefined };
  const controls = () => ({
    cancel: new AbortController().signal,
    kill: new AbortController().signal,
  });
  let workspace = '';

  beforeEach(async () => {
    workspace = await realpath(await mkdtemp(join(tmpdir(), 'slipway-process-')));
  });
  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  function request(overrides: Partial<StepRequest> = {}): StepRequest {
    return {
      taskId: 'build',
      attempt: 1,
      stepIndex: 0,
      stepName: 'compile',
      script: 'true',
      shell: ['sh', '-c'],
      env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
      workingDirectory: workspace,
      mounts: [],
      killGraceMs: 300,
      ...overrides,
    };
  }

  it('is named process', () => {
    expect(executor.name).toBe('process');
  });

  it('refuses a step that declares an image', async () => {
    await expect(
      executor.runStep(request({ image: 'alpine:3' }), discard, controls()),
    ).rejects.toThrow(/container executor/);
  });

  it('reports start_failed naming the directory when the working directory is missing', async () => {
    const missing = join(workspace, 'missing');
    const outcome = await executor.runStep(
      request({ workingDirectory: missing }),
      discard,
      controls(),
    );
    expect(outcome.end).toBe(StepEnd.StartFailed);
    expect(outcome.error).toContain(missing);
  });

  it('reports start_failed when the working directory is a file', async () => {
    const file = join(workspace, 'file');
    await writeFile(file, '');
    const outcome = await executor.runStep(
      request({ workingDirectory: file }),
      discard,
      controls(),
    );
    expect(outcome.end).toBe(StepEnd.StartFailed);
    expect(outcome.error).toContain(file);
  });

  it('reports start_failed naming a variable with a NUL byte, never its value', async () => {
    const outcome = await executor.runStep(
      request({ env: { PATH: '/usr/local/bin:/usr/bin:/bin', TOKEN: 'top\0secret' } }),
      discard,
      controls(),
    );
    expect(outcome.end).toBe(StepEnd.StartFailed);
    expect(outcome.error).toContain('TOKEN holds a NUL byte');
    expect(outcome.error).not.toMatch(/top/);
  });

  it('finds a shell given by name on the PATH of the request env', async () => {
    const bin = join(workspace, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'my-shell'), '#!/bin/sh\nexec /bin/sh "$@"\n');
    await chmod(join(bin, 'my-shell'), 0o755);
    const outcome = await executor.runStep(
      request({ script: 'exit 4', shell: ['my-shell', '-c'], env: { PATH: `/usr/bin:${bin}` } }),
      discard,
      controls(),
    );
    expect(outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 4 });
  });

  it('reports start_failed naming the shell when it is on no directory of the PATH', async () => {
    const outcome = await executor.runStep(
      request({ shell: ['no-such-shell', '-c'] }),
      discard,
      controls(),
    );
    expect(outcome.end).toBe(StepEnd.StartFailed);
    expect(outcome.error).toBe('cannot start the step: shell no-such-shell not found');
  });

  it('holds a step that writes while its output is paused, until it is resumed', async () => {
    const marker = join(workspace, 'written');
    started.flow = undefined;
    let bytes = 0;
    const counting: StepOutput = {
      write: (_stream, chunk) => {
        bytes += chunk.byteLength;
      },
    };
    const running = executor.runStep(
      request({ script: `sleep 0.2; head -c 1000000 /dev/zero; touch "${marker}"` }),
      counting,
      controls(),
    );
    const startedFlow = (): OutputFlow | undefined => started.flow;
    let flow = startedFlow();
    while (flow === undefined) {
      await delay(5);
      flow = startedFlow();
    }
    flow.pause();
    await delay(300);
    const held = await readFile(marker).then(
      () => false,
      () => true,
    );
    expect(held).toBe(true);
    expect(bytes).toBeLessThan(1_000_000);
    flow.resume();
    expect(await running).toMatchObject({ end: StepEnd.Exited, exitCode: 0 });
    expect(bytes).toBe(1_000_000);
  });

  it('ends the step when the script exits, even if a background job keeps the output open', async () => {
    const startedAt = performance.now();
    const outcome = await executor.runStep(
      request({ script: 'sleep 30 & echo started' }),
      discard,
      controls(),
    );
    expect(outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 0 });
    expect(performance.now() - startedAt).toBeLessThan(5000);
  });

  it('ends the step even when a process that left its group keeps the output open', async () => {
    const pidFile = join(workspace, 'escaped.pid');
    const startedAt = performance.now();
    const outcome = await executor.runStep(
      request({ script: `setsid sh -c 'echo $$ > "${pidFile}"; exec sleep 30' & sleep 0.2` }),
      discard,
      controls(),
    );
    const escaped = Number(await readFile(pidFile, 'utf8'));
    process.kill(escaped, 'SIGKILL');
    expect(outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 0 });
    expect(performance.now() - startedAt).toBeLessThan(10_000);
  });

  it('reports a script ended by a signal as exited without an exit code', async () => {
    const outcome = await executor.runStep(request({ script: 'kill -9 $$' }), discard, controls());
    expect(outcome).toMatchObject({ end: StepEnd.Exited, exitCode: null });
  });
}
