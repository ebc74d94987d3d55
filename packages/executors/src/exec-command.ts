import { nulByteInEnv } from './env-nul-byte.js';
import type { ProcessSpawner, SpawnedProcess } from './process-spawner.js';
import { signalGroup } from './signal-group.js';

export const DEFAULT_EXEC_MAX_BUFFER = 16 * 1024 * 1024;

/** What `execFile` runs a command with. */
export interface ExecOptions {
  readonly cwd?: string | undefined;
  /** The command's whole environment; variables set to undefined are left out. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Output beyond this many bytes (per stream) ends the command; 16 MiB by default. */
  readonly maxBuffer?: number;
  /** Ends the command (SIGKILL). */
  readonly signal?: AbortSignal | undefined;
}

/** How a command of `execFile` ended. */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Null when a signal ended it. */
  readonly exitCode: number | null;
  readonly signal: string | null;
}

/** A command of `execFile` that did not run to its end. */
export class ExecError extends Error {
  override readonly name = 'ExecError';
  constructor(
    message: string,
    /** `ENOENT` when there is no such program, `ABORT_ERR` when it was ended, and so on. */
    readonly code: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/**
 * Runs `file` with `args` (no shell) from `spawner` to its end, as
 * `child_process.execFile` would, and resolves however it exited. Rejects with an
 * {@link ExecError} when it could not start, was ended by `signal` (its process group is
 * killed) or wrote more than `maxBuffer`, and with an Error when the spawner died meanwhile.
 */
export async function execWith(
  spawner: ProcessSpawner,
  file: string,
  args: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
  options.signal?.throwIfAborted();
  refuseNulBytes(file, args, options);
  let child: SpawnedProcess;
  try {
    child = await spawner.spawn(file, args, {
      cwd: options.cwd ?? process.cwd(),
      env: options.env,
    });
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code !== 'string') throw error;
    throw new ExecError(String(message), code, '', '');
  }
  return await collect(child, options.maxBuffer ?? DEFAULT_EXEC_MAX_BUFFER, options.signal);
}

function collect(
  child: SpawnedProcess,
  maxBuffer: number,
  signal: AbortSignal | undefined,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const chunks = { stdout: [] as Uint8Array[], stderr: [] as Uint8Array[] };
    const sizes = { stdout: 0, stderr: 0 };
    let exit: { exitCode: number | null; signal: string | null } | undefined;
    let outputEnded = false;
    let failure: { message: string; code: string } | undefined;
    const text = (stream: 'stdout' | 'stderr'): string =>
      Buffer.concat(chunks[stream]).toString('utf8');
    const stop = (message: string, code: string): void => {
      if (failure !== undefined || exit !== undefined) return;
      failure = { message, code };
      signalGroup(child.pid, 'SIGKILL');
    };
    const onAbort = (): void => {
      stop('The operation was aborted', 'ABORT_ERR');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => {
      if (exit === undefined || !outputEnded) return;
      signal?.removeEventListener('abort', onAbort);
      if (failure === undefined) {
        resolve({ stdout: text('stdout'), stderr: text('stderr'), ...exit });
      } else {
        reject(new ExecError(failure.message, failure.code, text('stdout'), text('stderr')));
      }
    };
    child.watch({
      output: (stream, chunk) => {
        sizes[stream] += chunk.byteLength;
        if (sizes[stream] > maxBuffer) {
          stop(`${stream} maxBuffer length exceeded`, 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER');
          return;
        }
        chunks[stream].push(chunk);
      },
      exited: (code, exitSignal) => {
        exit = { exitCode: code, signal: exitSignal };
        settle();
      },
      outputEnded: () => {
        outputEnded = true;
        settle();
      },
      lost: (reason) => {
        signal?.removeEventListener('abort', onAbort);
        reject(new Error(`${reason} while a command ran`));
      },
    });
  });
}

/**
 * Throws an {@link ExecError} when the program, an argument, the folder or the
 * environment holds a NUL byte, which no process can be given: before anything starts,
 * naming a variable without quoting its value (Node's spawn, which would refuse it later,
 * quotes it).
 */
export function refuseNulBytes(file: string, args: readonly string[], options: ExecOptions): void {
  const unsafe = nulByteInEnv(options.env, file);
  const texts = [file, ...args, options.cwd ?? ''];
  if (unsafe !== undefined || texts.some((text) => text.includes('\0'))) {
    throw new ExecError(
      unsafe ?? `cannot run ${file}: its folder or an argument holds a NUL byte`,
      'ERR_INVALID_ARG_VALUE',
      '',
      '',
    );
  }
}
