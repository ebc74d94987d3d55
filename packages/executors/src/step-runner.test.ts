import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { access, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  StepEnd,
  UserError,
  UserErrorKind,
  type OutputStream,
  type StepOutput,
  type StepRequest,
} from '@slipway/core';
import { describeExecutorContract } from '@slipway/testing';
import fc from 'fast-check';
import { builtStepSpawner, stepSpawnerSkipReason } from './built-step-spawner.test-support.js';
import {
  ExecError,
  NativeStepExecutor,
  StepRunnerExecutor,
  type LocalStepExecutor,
} from './step-runner.js';
import type * as StepRunnerModule from './step-runner.js';

// The runner is a separate Node.js process, so it runs the built JavaScript.
const runnerModule = new URL('../dist/step-runner-main.js', import.meta.url);
const builtEntry = new URL('../dist/step-runner.js', import.meta.url);
const STANDARD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// Two runners, so that the contract's concurrent steps cover the pool as well.
const contractExecutor = new StepRunnerExecutor({ runnerModule, maxRunners: 2 });
afterAll(() => contractExecutor.close());
describeExecutorContract('step runner', () => Promise.resolve({ executor: contractExecutor }));

const spawnerExecutor = new NativeStepExecutor(builtStepSpawner);
afterAll(() => spawnerExecutor.close());
describeExecutorContract('step spawner', () =>
  Promise.resolve({
    executor: spawnerExecutor,
    skipReason: stepSpawnerSkipReason(),
    demandedBy: 'SLIPWAY_TEST_STEP_SPAWNER',
  }),
);

describe('NativeStepExecutor', () => {
  it('reports a spawner that cannot start as the step failing to start, and says what to do', async () => {
    const notRunnable = join(workspace, 'slipway-step-spawner');
    await writeFile(notRunnable, 'not a program');
    const executor = new NativeStepExecutor(notRunnable);
    executors.push(executor);
    const outcome = await executor.runStep(request('true'), new TextOutput(), controls());
    expect(outcome.end).toBe(StepEnd.StartFailed);
    expect(outcome.error).toMatch(/step spawner .* could not start \(spawn .* EACCES\)/);
    expect(outcome.error).toContain('SLIPWAY_STEP_SPAWNER=node');
  });
});

describe('createLocalStepExecutor', () => {
  it('starts steps from the step spawner when it was built, unless SLIPWAY_STEP_SPAWNER=node', async () => {
    const built = (await import(builtEntry.href)) as typeof StepRunnerModule;
    expect(built.stepSpawnerProgram).toBe(builtStepSpawner);
    expect(built.createLocalStepExecutor({}, { SLIPWAY_STEP_SPAWNER: 'node' })).toBeInstanceOf(
      built.StepRunnerExecutor,
    );
    expect(built.createLocalStepExecutor({}, {})).toBeInstanceOf(
      existsSync(builtStepSpawner) ? built.NativeStepExecutor : built.StepRunnerExecutor,
    );
  });
});

/** One of the two executors a server, an agent or `slipway run` starts steps with. */
interface LocalExecutorKind {
  /** What the child process is called in its errors. */
  readonly child: 'runner' | 'spawner';
  readonly skipReason: () => string | undefined;
  readonly create: () => LocalStepExecutor;
  readonly childPid: (executor: LocalStepExecutor) => number | undefined;
  /** Module code that sets `executor` and `childPid()`, for a process of its own. */
  readonly construct: string;
}

const kinds: LocalExecutorKind[] = [
  {
    child: 'runner',
    skipReason: () => undefined,
    create: () => new StepRunnerExecutor({ runnerModule }),
    childPid: (executor) =>
      executor instanceof StepRunnerExecutor ? executor.runnerPid : undefined,
    construct: `
      import { StepRunnerExecutor } from ${JSON.stringify(builtEntry.href)};
      const executor = new StepRunnerExecutor();
      const childPid = () => executor.runnerPid;`,
  },
  {
    child: 'spawner',
    skipReason: stepSpawnerSkipReason,
    create: () => new NativeStepExecutor(builtStepSpawner),
    childPid: (executor) =>
      executor instanceof NativeStepExecutor ? executor.spawnerPid : undefined,
    construct: `
      import { NativeStepExecutor } from ${JSON.stringify(builtEntry.href)};
      const executor = new NativeStepExecutor(${JSON.stringify(builtStepSpawner)});
      const childPid = () => executor.spawnerPid;`,
  },
];

/** True while `pid` names a process that has not ended (a zombie has ended). */
async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return false;
  return !/^\d+ \(.*\) Z/.test(stat);
}

async function waitUntilGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!(await isAlive(pid))) return true;
    await delay(50);
  }
  return false;
}

class TextOutput implements StepOutput {
  stdout = '';
  stderr = '';
  write(stream: OutputStream, chunk: Uint8Array): void {
    this[stream] += Buffer.from(chunk).toString('utf8');
  }
}

const executors: LocalStepExecutor[] = [];
let workspace = '';

beforeEach(async () => {
  workspace = await realpath(await mkdtemp(join(tmpdir(), 'slipway-runner-')));
});
afterEach(async () => {
  await Promise.all(executors.splice(0).map((executor) => executor.close()));
  await rm(workspace, { recursive: true, force: true });
});

function request(script: string, overrides: Partial<StepRequest> = {}): StepRequest {
  return {
    taskId: 'build',
    attempt: 1,
    stepIndex: 0,
    stepName: 'compile',
    script,
    shell: ['sh', '-c'],
    env: { PATH: STANDARD_PATH },
    workingDirectory: workspace,
    mounts: [],
    killGraceMs: 300,
    ...overrides,
  };
}

const controls = () => ({
  cancel: new AbortController().signal,
  kill: new AbortController().signal,
});

async function exists(fileName: string): Promise<boolean> {
  return access(join(workspace, fileName)).then(
    () => true,
    () => false,
  );
}

describe('StepRunnerExecutor', () => {
  function newExecutor(module = runnerModule, maxRunners = 1): StepRunnerExecutor {
    const executor = new StepRunnerExecutor({ runnerModule: module, maxRunners });
    executors.push(executor);
    return executor;
  }

  it('is named process, like the executor whose steps it runs', () => {
    expect(newExecutor().name).toBe('process');
  });

  it('forks every step from one runner, reused across sequential and concurrent steps', async () => {
    const executor = newExecutor();
    const parents: string[] = [];
    for (let i = 0; i < 3; i++) {
      const output = new TextOutput();
      await executor.runStep(request('echo $PPID'), output, controls());
      parents.push(output.stdout.trim());
    }
    const concurrent = Array.from({ length: 4 }, () => new TextOutput());
    await Promise.all(
      concurrent.map((output) => executor.runStep(request('echo $PPID'), output, controls())),
    );
    parents.push(...concurrent.map((output) => output.stdout.trim()));
    const runnerPid = executor.runnerPid;
    expect(runnerPid).toBeDefined();
    expect(runnerPid).not.toBe(process.pid);
    expect(new Set(parents)).toEqual(new Set([String(runnerPid)]));
  });

  it('with room for two runners, starts the second only while the first has a step in flight', async () => {
    const executor = newExecutor(runnerModule, 2);
    const sequential: string[] = [];
    for (let i = 0; i < 3; i++) {
      const output = new TextOutput();
      await executor.runStep(request('echo $PPID'), output, controls());
      sequential.push(output.stdout.trim());
    }
    expect(new Set(sequential)).toEqual(new Set([String(executor.runnerPid)]));
    expect(executor.runnerPids).toHaveLength(1);

    const concurrent = Array.from({ length: 4 }, () => new TextOutput());
    await Promise.all(
      concurrent.map((output) =>
        executor.runStep(request('sleep 0.3; echo $PPID'), output, controls()),
      ),
    );
    const parents = concurrent.map((output) => output.stdout.trim());
    expect(new Set(parents)).toEqual(new Set(executor.runnerPids.map(String)));
    expect(executor.runnerPids).toHaveLength(2);
    // Each runner took two of the four steps: the one with fewer in flight gets the next.
    expect(parents.filter((parent) => parent === parents[0])).toHaveLength(2);

    const pids = executor.runnerPids;
    await executor.close();
    expect(executor.runnerPids).toEqual([]);
    for (const pid of pids) expect(await waitUntilGone(pid)).toBe(true);
  });

  it('passes a user error thrown in the runner back as a user error of the same kind', async () => {
    // A stand-in runner: the real one runs the process executor, which throws no user errors.
    const fake = join(workspace, 'fake-runner.mjs');
    await writeFile(
      fake,
      `process.on('message', (m) => {
        if (m.type !== 'run') return;
        process.send({ type: 'output', id: m.id, stream: 'stdout', chunk: Buffer.from('partial') });
        process.send({ type: 'failed', id: m.id, message: 'no engine here', userError: true, kind: 'environment' });
      });
      process.on('disconnect', () => process.exit(0));`,
    );
    const executor = newExecutor(pathToFileURL(fake));
    const output = new TextOutput();
    const rejection = executor.runStep(request('true'), output, controls());
    await expect(rejection).rejects.toBeInstanceOf(UserError);
    await expect(rejection).rejects.toMatchObject({
      kind: UserErrorKind.Environment,
      message: 'no engine here',
    });
    expect(output.stdout).toBe('partial');
  });

  it('answers a command Node.js refuses to start with an error, without quoting it, and keeps the runner', async () => {
    const executor = newExecutor();
    const refused = executor.execFile('true', [], { env: { PATH: STANDARD_PATH }, maxBuffer: -1 });
    await expect(refused).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      message: 'cannot run true: Node.js refused its arguments or environment',
    });
    const after = await executor.execFile('sh', ['-c', 'echo still here'], {
      env: { PATH: STANDARD_PATH },
    });
    expect(after.stdout).toBe('still here\n');
  });

  it('keeps the runner small: it never loads the pipeline language or its libraries', async () => {
    const loaded = await staticImports(fileURLToPath(runnerModule));
    const packages = [...loaded].filter((specifier) => !specifier.startsWith('/'));
    expect(packages.filter((name) => !name.startsWith('node:')).sort()).toEqual([
      '@slipway/core/ports',
    ]);
    const files = [...loaded].filter((specifier) => specifier.startsWith('/'));
    expect(files.some((file) => file.includes('process-executor.js'))).toBe(true);
  });
});

for (const kind of kinds) {
  describe(`the step ${kind.child}`, () => {
    if (kind.skipReason() !== undefined) return;
    const newExecutor = (): LocalStepExecutor => {
      const executor = kind.create();
      executors.push(executor);
      return executor;
    };
    const childPid = kind.childPid;

    /** Starts a step that runs 30 s and leaves a job that would write a file after 2 s. */
    async function startLongStep(
      executor: LocalStepExecutor,
    ): Promise<{ settled: Promise<unknown> }> {
      const output = new TextOutput();
      const settled = executor
        .runStep(request('(sleep 2; touch late-marker) & echo ready; sleep 30'), output, controls())
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      while (!output.stdout.includes('ready')) await delay(20);
      return { settled };
    }

    it('starts no child process before the first step, unless asked to start early', async () => {
      expect(childPid(newExecutor())).toBeUndefined();
      const early = newExecutor();
      early.start();
      const runnerPid = childPid(early);
      expect(runnerPid).toBeDefined();
      early.start();
      expect(childPid(early)).toBe(runnerPid);
      const output = new TextOutput();
      await early.runStep(request('echo $PPID'), output, controls());
      expect(output.stdout.trim()).toBe(String(runnerPid));
    });

    it('runs commands from the child process, with their output and exit code', async () => {
      const executor = newExecutor();
      const result = await executor.execFile(
        'sh',
        ['-c', 'echo "$PPID $GREETING"; pwd; echo oops >&2; exit 3'],
        { cwd: workspace, env: { PATH: STANDARD_PATH, GREETING: 'hi' } },
      );
      expect(result).toEqual({
        stdout: `${String(childPid(executor))} hi\n${workspace}\n`,
        stderr: 'oops\n',
        exitCode: 3,
        signal: null,
      });
      const missing = executor.execFile('no-such-program-here', [], {
        env: { PATH: STANDARD_PATH },
      });
      await expect(missing).rejects.toBeInstanceOf(ExecError);
      await expect(missing).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('kills a command when its signal aborts', async () => {
      const executor = newExecutor();
      const abort = new AbortController();
      const pidFile = join(workspace, 'pid');
      const running = executor.execFile('sh', ['-c', `echo $$ > ${pidFile}; exec sleep 100`], {
        env: { PATH: STANDARD_PATH },
        signal: abort.signal,
      });
      let pid = '';
      while (pid === '') {
        await delay(20);
        pid = (await readFile(pidFile, 'utf8').catch(() => '')).trim();
      }
      abort.abort();
      await expect(running).rejects.toMatchObject({ code: 'ABORT_ERR' });
      expect(await waitUntilGone(Number(pid))).toBe(true);
    });

    it('passes arguments and environment values through as they are, never as shell text', async () => {
      const executor = newExecutor();
      const text = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((t) => !t.includes('\0'));
      const tricky = fc.constantFrom(
        '$(touch pwned)',
        '`touch pwned`',
        "'; touch pwned; '",
        '$HOME',
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(text, tricky), { maxLength: 5 }),
          text,
          async (args, value) => {
            const result = await executor.execFile('printf', ['%s\\n', 'first', ...args], {
              cwd: workspace,
              env: { PATH: STANDARD_PATH, VALUE: value },
            });
            expect(result.stdout).toBe(['first', ...args].map((arg) => `${arg}\n`).join(''));
            const env = await executor.execFile('printenv', ['VALUE'], {
              cwd: workspace,
              env: { PATH: STANDARD_PATH, VALUE: value },
            });
            expect(env.stdout).toBe(`${value}\n`);
          },
        ),
        { numRuns: 25 },
      );
      expect(await exists('pwned')).toBe(false);
    });

    it('ends a command that writes more than its maxBuffer', async () => {
      const executor = newExecutor();
      const flood = executor.execFile('sh', ['-c', 'head -c 100000 /dev/zero; sleep 30'], {
        env: { PATH: STANDARD_PATH },
        maxBuffer: 1000,
      });
      await expect(flood).rejects.toMatchObject({ code: 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' });
    });

    it('refuses a command whose environment holds a NUL byte, naming the program and the variable, never the value', async () => {
      const executor = newExecutor();
      const refused = executor.execFile('git', ['status'], {
        env: { PATH: STANDARD_PATH, TOKEN: 'hun\0ter2' },
      });
      await expect(refused).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      const message = String(await refused.catch((error: unknown) => error));
      expect(message).toContain(
        'cannot start git: the environment variable TOKEN holds a NUL byte',
      );
      expect(message).not.toMatch(/hun|ter2/);
    });

    it('rejects a step with an image with a bug error, as the process executor does', async () => {
      const executor = newExecutor();
      const rejection = executor.runStep(request('true', { image: 'alpine:3' }), new TextOutput(), {
        ...controls(),
      });
      await expect(rejection).rejects.toThrow(/container executor/);
      await expect(rejection).rejects.not.toBeInstanceOf(UserError);
    });

    it('fails the running steps with a bug error and kills their processes when the child process dies, then starts a new one', async () => {
      const executor = newExecutor();
      const { settled } = await startLongStep(executor);
      const firstRunner = childPid(executor);
      expect(firstRunner).toBeDefined();
      process.kill(firstRunner ?? 0, 'SIGKILL');

      const error = await settled;
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(UserError);
      expect(String(error)).toMatch(
        new RegExp(
          `step ${kind.child} \\(process \\d+\\) ended unexpectedly \\(signal SIGKILL\\) while step "compile" of task build was running`,
        ),
      );
      await delay(2500);
      expect(await exists('late-marker')).toBe(false);

      const next = new TextOutput();
      const outcome = await executor.runStep(request('echo $PPID'), next, controls());
      expect(outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 0 });
      expect(childPid(executor)).toBeDefined();
      expect(childPid(executor)).not.toBe(firstRunner);
      expect(next.stdout.trim()).toBe(String(childPid(executor)));
    });

    it('delivers all output in order to a slow reader, also when the step exits while it lags', async () => {
      const executor = newExecutor();
      const line = '0123456789abcdefghijklmnopqrstuvwxyz';
      const lines = 200_000;
      const chunks: Buffer[] = [];
      const slowOutput: StepOutput = {
        write: (_stream, chunk) => {
          chunks.push(Buffer.from(chunk));
          const until = performance.now() + 3;
          while (performance.now() < until) {
            // Holds the event loop, as a slow terminal would.
          }
        },
      };
      const outcome = await executor.runStep(
        request(`yes ${line} | head -n ${lines}`),
        slowOutput,
        controls(),
      );
      expect(outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 0 });
      const text = Buffer.concat(chunks).toString('utf8');
      expect(text.length).toBe((line.length + 1) * lines);
      expect(text === `${line}\n`.repeat(lines)).toBe(true);
    });

    it('close ends the child process, and a later step starts a new one', async () => {
      const executor = newExecutor();
      await executor.runStep(request('true'), new TextOutput(), controls());
      const pid = childPid(executor) ?? 0;
      await executor.close();
      expect(childPid(executor)).toBeUndefined();
      expect(await isAlive(pid)).toBe(false);
      const outcome = await executor.runStep(request('exit 5'), new TextOutput(), controls());
      expect(outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 5 });
      expect(childPid(executor)).not.toBe(pid);
    });

    it('close kills steps still running and rejects them', async () => {
      const executor = newExecutor();
      const { settled } = await startLongStep(executor);
      await executor.close();
      expect(String(await settled)).toMatch(
        /closed while step "compile" of task build was running/,
      );
      await delay(2500);
      expect(await exists('late-marker')).toBe(false);
    });

    it('lets a process that used it exit without closing it, and stops when that process is killed', async () => {
      // A process that runs one step, then another that never ends, and reports the pids.
      const script = `
        ${kind.construct}
        const controls = { cancel: new AbortController().signal, kill: new AbortController().signal };
        const request = (script) => ({
          taskId: 't', attempt: 1, stepIndex: 0, stepName: 's', script, shell: ['sh', '-c'],
          env: { PATH: ${JSON.stringify(STANDARD_PATH)} }, workingDirectory: ${JSON.stringify(workspace)},
          mounts: [], killGraceMs: 300,
        });
        const outcome = await executor.runStep(request('true'), { write() {} }, controls);
        console.log('first', outcome.end, childPid());
        if (process.argv[1] === 'hang') {
          void executor.runStep(
            request('(sleep 2; touch late-marker) & echo $$ > step.pid; sleep 30'),
            { write() {} },
            controls,
          );
        }
      `;
      const idle = spawn(process.execPath, ['--input-type=module', '-e', script, 'idle'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const idleLines = createInterface({ input: idle.stdout });
      const idleFirst = (await once(idleLines, 'line')) as [string];
      const [code] = (await once(idle, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(idleFirst[0]).toMatch(/^first exited \d+$/);
      const idleRunner = Number(idleFirst[0].split(' ')[2]);
      expect(await waitUntilGone(idleRunner)).toBe(true);

      const hanging = spawn(process.execPath, ['--input-type=module', '-e', script, 'hang'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: hanging.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const runner = Number(first.split(' ')[2]);
      while (!(await exists('step.pid'))) await delay(20);
      const step = Number(await readFile(join(workspace, 'step.pid'), 'utf8'));
      hanging.kill('SIGKILL');
      await once(hanging, 'exit');
      expect(await waitUntilGone(runner)).toBe(true);
      expect(await waitUntilGone(step)).toBe(true);
      await delay(2500);
      expect(await exists('late-marker')).toBe(false);
    });
  });
}

/** Every module the runner's entry imports, transitively: absolute paths and bare package names. */
async function staticImports(entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(
      /(?:import|export)\s[^'";]*?from\s*'([^']+)'|import\s*\(?\s*'([^']+)'/g,
    )) {
      const specifier = match[1] ?? match[2] ?? '';
      if (specifier.startsWith('.')) {
        pending.push(resolve(dirname(file), specifier));
      } else {
        seen.add(specifier);
        if (specifier === '@slipway/core/ports') {
          pending.push(createRequire(import.meta.url).resolve(specifier));
        }
      }
    }
  }
  return seen;
}
