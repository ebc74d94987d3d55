import { spawn, type ChildProcess } from 'node:child_process';
import { OutputStream } from '@slipway/core/ports';

/** What a {@link ProcessSpawner} starts a process with. */
export interface SpawnOptions {
  readonly cwd: string;
  /** The process's whole environment; variables set to undefined are left out. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Starts processes for the {@link ProcessExecutor} and for commands run to their end:
 * each in a session of its own (its process group id is its pid), with standard input
 * from /dev/null and its output on two pipes. A command without a slash is looked up on
 * the PATH of `env`.
 */
export interface ProcessSpawner {
  /**
   * Resolves once `file` started; rejects with an Error whose `code` is the errno name
   * (`ENOENT` for a missing program or working directory, `EACCES`…) when it could not.
   */
  spawn(file: string, args: readonly string[], options: SpawnOptions): Promise<SpawnedProcess>;
}

/** What a {@link SpawnedProcess} reports, in the order it happened. */
export interface ProcessEvents {
  output(stream: OutputStream, chunk: Uint8Array): void;
  /** The process exited, with its exit code, or null and the signal that ended it. */
  exited(code: number | null, signal: NodeJS.Signals | null): void;
  /** Both output pipes were closed: no more output comes. */
  outputEnded(): void;
  /** The spawner lost the process (it died): nothing more about it will come. */
  lost(reason: string): void;
}

/** A process a {@link ProcessSpawner} started. */
export interface SpawnedProcess {
  /** Its process id, which is also its process group id. */
  readonly pid: number;
  /** Starts reporting; events that happened before are reported at once. Call once. */
  watch(events: ProcessEvents): void;
  /** Stops reading its output; ignored once it has exited. */
  pauseOutput(): void;
  resumeOutput(): void;
  /** Stops reading its output for good: no more `output` or `outputEnded`. */
  dropOutput(): void;
}

/** Starts processes from this process with `child_process.spawn`. */
export const spawnHere: ProcessSpawner = {
  spawn: (file, args, options) =>
    new Promise((resolve, reject) => {
      const child = spawn(file, [...args], {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (child.pid === undefined) {
        child.once('error', reject);
        return;
      }
      child.on('error', () => {
        // Spawning succeeded (there is a pid); later errors only concern signalling,
        // which the spawner's users do themselves.
      });
      resolve(new NodeSpawnedProcess(child, child.pid));
    }),
};

class NodeSpawnedProcess implements SpawnedProcess {
  private exited = false;
  private dropped = false;

  constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
  ) {}

  watch(events: ProcessEvents): void {
    const { child } = this;
    child.stdout?.on('data', (chunk: Buffer) => {
      events.output(OutputStream.Stdout, chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      events.output(OutputStream.Stderr, chunk);
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      events.exited(code, signal);
    });
    child.once('close', () => {
      if (!this.dropped) events.outputEnded();
    });
  }

  pauseOutput(): void {
    if (this.exited) return;
    this.child.stdout?.pause();
    this.child.stderr?.pause();
  }

  resumeOutput(): void {
    this.child.stdout?.resume();
    this.child.stderr?.resume();
  }

  dropOutput(): void {
    this.dropped = true;
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }
}
