import { execFile } from 'node:child_process';

/** How a program run to its end by a {@link CommandLauncher} ended. */
export interface LaunchedCommand {
  readonly stdout: string;
  readonly stderr: string;
  /** Null when a signal ended it. */
  readonly exitCode: number | null;
}

/**
 * Runs a program (never through a shell) to its end and resolves however it exited;
 * rejects, with the error's `code` such as `ENOENT`, when it could not start or was ended
 * by `signal`. `LocalStepExecutor.execFile` is one: it starts programs from a small
 * child process, since forking from a large process (a server, an agent) costs several
 * times as much.
 */
export type CommandLauncher = (
  file: string,
  args: readonly string[],
  options: {
    readonly cwd?: string | undefined;
    /** The program's whole environment; variables set to undefined are left out. */
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly signal?: AbortSignal | undefined;
  },
) => Promise<LaunchedCommand>;

/** Starts programs from this process with `child_process.execFile`. */
export const launchHere: CommandLauncher = (file, args, options) =>
  new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      {
        cwd: options.cwd,
        env: options.env,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
        signal: options.signal,
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ stdout, stderr, exitCode: 0 });
          return;
        }
        const { code } = error as { code?: unknown };
        if (typeof code === 'number') resolve({ stdout, stderr, exitCode: code });
        else reject(error instanceof Error ? error : new Error(error.message));
      },
    );
  });
