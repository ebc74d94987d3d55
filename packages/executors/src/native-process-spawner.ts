import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { OutputStream } from '@slipway/core/ports';
import type {
  ProcessEvents,
  ProcessSpawner,
  SpawnedProcess,
  SpawnOptions,
} from './process-spawner.js';
import {
  encodeRequest,
  encodeSpawn,
  SpawnerEvent,
  SpawnerFrameReader,
  SpawnerRequest,
  type SpawnerFrame,
} from './step-spawner-protocol.js';

/** How long {@link NativeProcessSpawner.close} waits for the spawner to exit before killing it. */
const CLOSE_GRACE_MS = 5000;

const errnoNames = new Map(Object.entries(constants.errno).map(([name, code]) => [code, name]));
const signalNames = new Map(
  Object.entries(constants.signals).map(([name, code]) => [code, name as NodeJS.Signals]),
);

interface Starting {
  readonly file: string;
  readonly resolve: (process: SpawnedProcess) => void;
  readonly reject: (error: Error) => void;
}

interface Helper {
  readonly child: ChildProcess;
  readonly starting: Map<number, Starting>;
  readonly running: Map<number, NativeSpawnedProcess>;
  /** Resolves once the spawner has ended and everything it had was settled. */
  readonly ended: Promise<void>;
  closing: boolean;
}

/**
 * Starts processes from the step spawner (native/step-spawner.c), a small native process
 * that starts each with posix_spawn: far cheaper than a fork of a Node.js process, which
 * copies its page tables. The spawner starts with the first process (or
 * {@link NativeProcessSpawner.start}) and serves every later one; it keeps this process
 * alive only while processes it started run, runs in a session of its own (a Ctrl-C in
 * the terminal reaches only this process), and kills every process group it started when
 * this process goes away, even by SIGKILL.
 *
 * If the spawner dies, each process it ran has its group killed and is reported `lost`;
 * the next spawn starts a new spawner.
 */
export class NativeProcessSpawner implements ProcessSpawner {
  private helper: Helper | undefined;
  private nextId = 1;

  /** @param program the built step spawner. */
  constructor(private readonly program: string) {}

  /** Starts the spawner now rather than with the first process. */
  start(): void {
    this.helper ??= this.startHelper();
  }

  /** The spawner's process id while it runs; for diagnostics and tests. */
  get pid(): number | undefined {
    return this.helper?.child.pid;
  }

  spawn(file: string, args: readonly string[], options: SpawnOptions): Promise<SpawnedProcess> {
    const env = Object.entries(options.env).flatMap(([name, value]) =>
      value === undefined ? [] : [`${name}=${value}`],
    );
    const id = this.nextId++;
    let request: Buffer;
    try {
      request = encodeSpawn(id, options.cwd, [file, ...args], env);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const helper = (this.helper ??= this.startHelper());
    return new Promise((resolve, reject) => {
      helper.starting.set(id, { file, resolve, reject });
      keepAlive(helper);
      send(helper, request);
    });
  }

  /**
   * Ends the spawner and resolves once it has exited: the processes still running have
   * their groups killed and are reported `lost`. A later spawn starts a new spawner.
   */
  async close(): Promise<void> {
    const helper = this.helper;
    this.helper = undefined;
    if (helper === undefined) return;
    helper.closing = true;
    helper.child.ref();
    const timer = setTimeout(() => helper.child.kill('SIGKILL'), CLOSE_GRACE_MS);
    helper.child.stdin?.end();
    await helper.ended;
    clearTimeout(timer);
  }

  /*
   * The spawner has ended once it has exited and its output has closed: every frame it
   * wrote before it died has then been read, so processes that ended before it did are
   * reported as they ended.
   */
  private startHelper(): Helper {
    const child = spawn(this.program, [], {
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: true,
    });
    let markEnded = (): void => undefined;
    const ended = new Promise<void>((resolve) => {
      markEnded = resolve;
    });
    const helper: Helper = {
      child,
      starting: new Map(),
      running: new Map(),
      ended,
      closing: false,
    };
    const reader = new SpawnerFrameReader();
    child.stdout.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) receive(helper, frame);
    });
    child.stdin.on('error', () => {
      // Writing fails only once the spawner is gone, which its exit handles.
    });
    let exit: string | undefined;
    let outputClosed = false;
    const end = (how: string): void => {
      if (this.helper === helper) this.helper = undefined;
      settleAll(helper, how);
      markEnded();
    };
    child.on('error', (error) => {
      if (child.pid === undefined) {
        end(
          `could not start (${error.message}); build it again with \`npm run build\`, or set SLIPWAY_STEP_SPAWNER=node to start steps from Node.js`,
        );
      }
    });
    child.stdout.once('close', () => {
      outputClosed = true;
      if (exit !== undefined) end(exit);
    });
    child.once('exit', (code, signal) => {
      exit = `ended unexpectedly (${signal === null ? `exit code ${code ?? 'unknown'}` : `signal ${signal}`})`;
      if (outputClosed) end(exit);
    });
    keepAlive(helper);
    return helper;
  }
}

function receive(helper: Helper, frame: SpawnerFrame): void {
  const { type, id, payload } = frame;
  if (type === SpawnerEvent.Started || type === SpawnerEvent.Failed) {
    const starting = helper.starting.get(id);
    if (starting === undefined) return;
    helper.starting.delete(id);
    const value = payload.readInt32LE(0);
    if (type === SpawnerEvent.Started) {
      const process = new NativeSpawnedProcess(helper, id, value);
      helper.running.set(id, process);
      starting.resolve(process);
    } else {
      starting.reject(spawnError(starting.file, value));
    }
    keepAlive(helper);
    return;
  }
  const process = helper.running.get(id);
  if (process === undefined) return;
  switch (type) {
    case SpawnerEvent.Stdout:
      process.report((events) => {
        events.output(OutputStream.Stdout, payload);
      });
      break;
    case SpawnerEvent.Stderr:
      process.report((events) => {
        events.output(OutputStream.Stderr, payload);
      });
      break;
    case SpawnerEvent.Closed:
      process.outputClosed();
      break;
    case SpawnerEvent.Exited: {
      const signalled = payload.readUInt32LE(0) === 1;
      const value = payload.readUInt32LE(4);
      process.exit(
        signalled ? null : value,
        signalled ? (signalNames.get(value) ?? 'SIGKILL') : null,
      );
      break;
    }
  }
}

function spawnError(file: string, errno: number): Error {
  const code = errnoNames.get(errno) ?? `errno ${errno}`;
  return Object.assign(new Error(`spawn ${file} ${code}`), {
    code,
    errno: -errno,
    syscall: `spawn ${file}`,
    path: file,
  });
}

function settleAll(helper: Helper, how: string): void {
  const pid = helper.child.pid ?? 'not started';
  const reason = helper.closing
    ? 'the process executor was closed'
    : `the step spawner (process ${pid}) ${how}`;
  for (const starting of helper.starting.values()) starting.reject(new Error(reason));
  helper.starting.clear();
  const running = [...helper.running.values()];
  helper.running.clear();
  for (const process of running) process.lose(reason);
}

function send(helper: Helper, frame: Buffer): void {
  const { stdin } = helper.child;
  if (stdin === null || stdin.destroyed || stdin.writableEnded) return;
  stdin.write(frame);
}

/*
 * The spawner and its pipes keep this process alive only while processes it started are
 * in flight: an idle spawner must not hold a finished CLI open, and a busy one must, or
 * this process could exit with steps pending.
 */
function keepAlive(helper: Helper): void {
  const busy = helper.starting.size + helper.running.size > 0 || helper.closing;
  const handles = [helper.child, helper.child.stdin, helper.child.stdout] as unknown as ({
    ref?: () => void;
    unref?: () => void;
  } | null)[];
  for (const handle of handles) {
    if (busy) handle?.ref?.();
    else handle?.unref?.();
  }
}

class NativeSpawnedProcess implements SpawnedProcess {
  private events: ProcessEvents | undefined;
  private backlog: ((events: ProcessEvents) => void)[] = [];
  private exited = false;
  private closed = false;
  private paused = false;

  constructor(
    private readonly helper: Helper,
    private readonly id: number,
    readonly pid: number,
  ) {}

  watch(events: ProcessEvents): void {
    this.events = events;
    const backlog = this.backlog;
    this.backlog = [];
    for (const event of backlog) event(events);
  }

  pauseOutput(): void {
    if (this.exited || this.paused) return;
    this.paused = true;
    send(this.helper, encodeRequest(SpawnerRequest.Pause, this.id));
  }

  resumeOutput(): void {
    if (!this.paused) return;
    this.paused = false;
    send(this.helper, encodeRequest(SpawnerRequest.Resume, this.id));
  }

  dropOutput(): void {
    if (this.closed) return;
    this.closed = true;
    send(this.helper, encodeRequest(SpawnerRequest.Drop, this.id));
    this.forgetIfDone();
  }

  report(event: (events: ProcessEvents) => void): void {
    if (this.closed) return;
    if (this.events === undefined) this.backlog.push(event);
    else event(this.events);
  }

  outputClosed(): void {
    this.report((events) => {
      events.outputEnded();
    });
    this.closed = true;
    this.forgetIfDone();
  }

  exit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    const exited = (events: ProcessEvents): void => {
      events.exited(code, signal);
    };
    if (this.events === undefined) this.backlog.push(exited);
    else exited(this.events);
    this.forgetIfDone();
  }

  lose(reason: string): void {
    const lost = (events: ProcessEvents): void => {
      events.lost(reason);
    };
    if (this.events === undefined) this.backlog.push(lost);
    else lost(this.events);
  }

  private forgetIfDone(): void {
    if (!this.exited || !this.closed) return;
    this.helper.running.delete(this.id);
    keepAlive(this.helper);
  }
}
